namespace Wegent.Executor.Diagnostics;

/// <summary>What a directory tree holds on disk, measured without following symbolic links.</summary>
/// <param name="Exists">False when the directory is not there (yet).</param>
/// <param name="Bytes">Total length of the files that could be read.</param>
/// <param name="Files">Files counted.</param>
/// <param name="TopLevelDirectories">Directories directly inside it (one per task in the workspace).</param>
/// <param name="Unreadable">Directories or files that could not be read (not counted).</param>
public sealed record DirectoryUsage(bool Exists, long Bytes, int Files, int TopLevelDirectories, int Unreadable)
{
    public static DirectoryUsage Missing { get; } = new(false, 0, 0, 0, 0);

    /// <summary>Walks <paramref name="path"/>. Entries that vanish or deny access while it walks are counted as
    /// unreadable instead of failing: a task may be deleting its files at that moment.</summary>
    public static DirectoryUsage Measure(string path)
    {
        if (!Directory.Exists(path)) return Missing;

        long bytes = 0;
        int files = 0, unreadable = 0, topLevel = 0;
        var pending = new Stack<(DirectoryInfo Directory, bool IsRoot)>();
        pending.Push((new DirectoryInfo(path), true));
        while (pending.TryPop(out var current))
        {
            try
            {
                foreach (var entry in current.Directory.EnumerateFileSystemInfos())
                {
                    // Its status could not be read (gone, or a path too long): its attributes would read as all set.
                    if (!entry.Exists)
                    {
                        unreadable++;
                        continue;
                    }

                    // A link is not followed: it may point outside, or back up the tree.
                    if ((entry.Attributes & FileAttributes.ReparsePoint) != 0) continue;
                    if (entry is DirectoryInfo directory)
                    {
                        if (current.IsRoot) topLevel++;
                        pending.Push((directory, false));
                    }
                    else if (entry is FileInfo file)
                    {
                        bytes += file.Length;
                        files++;
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                unreadable++;
            }
        }

        return new DirectoryUsage(true, bytes, files, topLevel, unreadable);
    }
}
