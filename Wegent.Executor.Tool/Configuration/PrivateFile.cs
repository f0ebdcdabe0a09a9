using System.Text;

namespace Wegent.Executor.Configuration;

/// <summary>Files only their owner may read or write (0600): the device id, the outbox, the run journal, a task's model
/// settings. The mode is set on the open handle before the first byte is written, so a file that already existed with a
/// wider mode (an earlier version, the user, the agent) is tightened too: a create mode alone applies only to new files.</summary>
public static class PrivateFile
{
    public const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Opens <paramref name="path"/> for writing, emptied and owner-only; creates its directory. A symbolic link
    /// at <paramref name="path"/> is replaced by the file, never written through (an agent could plant one).</summary>
    public static FileStream Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (new FileInfo(path).LinkTarget is not null) File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (OperatingSystem.IsWindows()) return new FileStream(path, options);

        options.UnixCreateMode = OwnerReadWrite;
        var stream = new FileStream(path, options);
        try
        {
            File.SetUnixFileMode(stream.SafeFileHandle, OwnerReadWrite);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public static void Write(string path, string content)
    {
        using var stream = Create(path);
        stream.Write(Encoding.UTF8.GetBytes(content));
    }

    /// <summary>Writes a temporary file and renames it over <paramref name="path"/>: readers never see half a file.</summary>
    public static void Replace(string path, Action<Stream> write)
    {
        var temporary = path + ".tmp";
        using (var stream = Create(temporary))
        {
            write(stream);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Removes group and other access from a file the executor owns; false when it could not.</summary>
    public static bool TryRestrict(string path)
    {
        if (OperatingSystem.IsWindows()) return true;
        try
        {
            if (!File.Exists(path) || (File.GetUnixFileMode(path) & ~OwnerReadWrite) == 0) return true;
            File.SetUnixFileMode(path, OwnerReadWrite);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
