namespace Wegent.Executor.Configuration;

/// <summary>Creates the executor's directories. The log directory is left to the logging setup, which degrades to
/// console logging when it cannot be created instead of stopping the executor.</summary>
public static class ExecutorDirectories
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void Create(ExecutorOptions options)
    {
        Directory.CreateDirectory(options.Home);
        Directory.CreateDirectory(options.WorkspaceRoot);
        Directory.CreateDirectory(options.SkillsCacheDirectory);
        CreatePrivate(options.OutboxDirectory);
        CreatePrivate(options.RunJournalDirectory);
    }

    /// <summary>The outbox holds final results of tasks and running/ their titles: only the owner may read them.</summary>
    private static void CreatePrivate(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, OwnerOnly);
        File.SetUnixFileMode(path, OwnerOnly);
    }
}
