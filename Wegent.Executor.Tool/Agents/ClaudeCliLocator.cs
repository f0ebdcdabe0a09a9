namespace Wegent.Executor.Agents;

/// <summary>Finds the CLI executable: a bare command name is searched on PATH, anything with a directory is taken as a path.</summary>
internal static class ClaudeCliLocator
{
    public static string? Resolve(string cliPath, string? pathVariable)
    {
        if (cliPath.Contains(Path.DirectorySeparatorChar) || cliPath.Contains(Path.AltDirectorySeparatorChar))
        {
            return IsExecutableFile(cliPath) ? Path.GetFullPath(cliPath) : null;
        }

        foreach (var directory in (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in CandidateNames(cliPath))
            {
                var candidate = Path.Combine(directory, name);
                if (IsExecutableFile(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        return null;
    }

    public static string NotFoundMessage(string cliPath)
    {
        var lookedFor = cliPath.Contains(Path.DirectorySeparatorChar) || cliPath.Contains(Path.AltDirectorySeparatorChar)
            ? $"looked for '{cliPath}'"
            : $"looked for '{cliPath}' on PATH";
        return $"Claude Code CLI not found ({lookedFor}). Install it: npm install -g @anthropic-ai/claude-code@"
            + $"{ClaudeCodeAgentOptions.PinnedCliVersion}, or set WEGENT_CLAUDE_CLI";
    }

    private static IEnumerable<string> CandidateNames(string command) =>
        OperatingSystem.IsWindows() && !Path.HasExtension(command)
            ? [command + ".exe", command + ".cmd", command]
            : [command];

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        return OperatingSystem.IsWindows()
            || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
