using System.IO.Compression;

namespace Wegent.Executor.Workspace;

/// <summary>Extracts a zip only when every entry stays inside the target: an entry with <c>..</c>, an absolute or
/// drive path rejects the whole archive before anything is written. Entries become plain files (never links).</summary>
public static class SafeZip
{
    public const long MaxExtractedBytes = 200L * 1024 * 1024;
    public const int MaxEntries = 10_000;

    /// <exception cref="InvalidDataException">The archive is unsafe, too large or not a zip.</exception>
    public static void Extract(Stream zip, string targetDirectory, string? skipTopFolderUnlessFile = null)
    {
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read);
        if (archive.Entries.Count > MaxEntries) throw new InvalidDataException($"the archive holds more than {MaxEntries} entries");
        var entries = archive.Entries.Select(e => (Entry: e, Path: Normalize(e.FullName))).ToList();
        long total = 0;
        foreach (var (entry, _) in entries) total += entry.Length;
        if (total > MaxExtractedBytes) throw new InvalidDataException($"the archive unpacks to more than {MaxExtractedBytes / (1024 * 1024)} MB");

        var prefix = skipTopFolderUnlessFile is null ? "" : SingleTopFolder(entries.Select(e => e.Path).ToList(), skipTopFolderUnlessFile);
        var root = Path.GetFullPath(targetDirectory);
        Directory.CreateDirectory(root);
        foreach (var (entry, path) in entries)
        {
            var relative = path[prefix.Length..];
            if (relative.Length == 0) continue;
            var destination = Path.GetFullPath(Path.Combine(root, relative));
            if (!destination.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"the entry '{entry.FullName}' points outside the folder");
            }

            if (relative.EndsWith('/'))
            {
                Directory.CreateDirectory(destination);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            using var source = entry.Open();
            using var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
            source.CopyTo(file);
        }
    }

    /// <summary>The entry's path with <c>/</c> separators; rejects <c>..</c>, absolute and drive paths.</summary>
    internal static string Normalize(string name)
    {
        var path = name.Replace('\\', '/');
        if (path.Length == 0 || path.StartsWith('/') || (path.Length > 1 && path[1] == ':') || path.Any(char.IsControl)
            || path.Split('/').Any(segment => segment == ".."))
        {
            throw new InvalidDataException($"the entry '{name}' is not a safe relative path");
        }

        return path;
    }

    /// <summary>"folder/" when every entry is under one folder and <paramref name="rootFile"/> is not at the root
    /// (archives made by zipping a folder), else "".</summary>
    private static string SingleTopFolder(List<string> paths, string rootFile)
    {
        if (paths.Count == 0 || paths.Contains(rootFile, StringComparer.OrdinalIgnoreCase)) return "";
        var first = paths[0].Split('/')[0] + "/";
        return paths.All(p => p.StartsWith(first, StringComparison.Ordinal)) ? first : "";
    }
}
