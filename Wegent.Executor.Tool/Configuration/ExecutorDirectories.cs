namespace Wegent.Executor.Configuration;

/// <summary>Creates the executor's directories, owner-only (0700): the home holds the token (config.env), the workspaces
/// hold the users' repositories and the model key, the outbox results. The log directory is left to the logging setup,
/// which degrades to console logging when it cannot be created instead of stopping the executor.</summary>
public static class ExecutorDirectories
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <returns>A warning when an existing home was open to group or others and has been made 0700.</returns>
    public static string? Create(ExecutorOptions options)
    {
        var warning = TightenExisting(options.Home);
        CreatePrivate(options.Home);
        CreatePrivate(options.WorkspaceRoot);
        CreatePrivate(options.SkillsCacheDirectory);
        CreatePrivate(options.OutboxDirectory, always: true);
        CreatePrivate(options.RunJournalDirectory, always: true);
        return warning;
    }

    /// <summary>Creates <paramref name="path"/> (and missing parents) 0700; an existing directory keeps its mode unless
    /// <paramref name="always"/> (the user may share a workspace root on purpose).</summary>
    public static void CreatePrivate(string path, bool always = false)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        var existed = Directory.Exists(path);
        Directory.CreateDirectory(path, OwnerOnly);
        if (always || !existed) File.SetUnixFileMode(path, OwnerOnly);
    }

    private static string? TightenExisting(string home)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(home)) return null;
        var mode = File.GetUnixFileMode(home);
        if ((mode & ~OwnerOnly) == 0) return null;
        File.SetUnixFileMode(home, OwnerOnly);
        return $"{home} was open to group or others (mode {Convert.ToString((int)mode, 8)}); made it 700: it holds the token, the workspaces and the results";
    }
}
