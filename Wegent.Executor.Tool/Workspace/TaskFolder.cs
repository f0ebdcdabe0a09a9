namespace Wegent.Executor.Workspace;

/// <summary>Folders the executor writes into inside a task directory, which may also hold a repository checkout.</summary>
public static class TaskFolder
{
    /// <summary>Creates <c>{taskDirectory}/{segments...}</c> one folder at a time, refusing any that is a symbolic link or a
    /// file: a repository can hold a link named like one of the executor's folders, and writing through it would land
    /// outside the task.</summary>
    /// <exception cref="IOException">A component is a link or a file; the message names it.</exception>
    public static string CreateInside(string taskDirectory, params string[] segments)
    {
        var current = taskDirectory;
        foreach (var segment in segments)
        {
            current = Path.Combine(current, segment);
            var folder = new DirectoryInfo(current);
            if (folder.LinkTarget is not null || File.Exists(current))
            {
                throw new IOException($"{current} is a link or a file, not a folder of the task: nothing is written through it");
            }

            folder.Create();
        }

        return current;
    }
}
