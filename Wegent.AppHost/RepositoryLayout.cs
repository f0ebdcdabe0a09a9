namespace Wegent.AppHost;

/// <summary>Where things are, found at run time: the checkout (above the AppHost's binaries or the current
/// directory), its backend, Python and the Claude CLI.</summary>
public sealed class RepositoryLayout(string root, string python, Func<string, string?> environment)
{
    public string Root => root;

    public string Python => python;

    public string Backend => Path.Combine(Root, "backend");

    /// <summary>The Claude Code CLI (WEGENT_CLAUDE_CLI, else the checkout's .tools, else PATH), looked up at each use:
    /// installed while the AppHost runs, it is found at the executor's next start.</summary>
    public string? ClaudeCli => FindClaudeCli(root, environment);

    public static RepositoryLayout Discover(Func<string, string?> environment)
    {
        var root = FindRoot(AppContext.BaseDirectory) ?? FindRoot(Directory.GetCurrentDirectory())
            ?? throw new InvalidOperationException("Run the AppHost from a wegent-executor checkout (Wegent.sln not found).");
        var python = environment("WEGENT_PYTHON") is { Length: > 0 } configured ? configured : "/usr/bin/python3";
        return new RepositoryLayout(root, python, environment);
    }

    private static string? FindRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Wegent.sln"))) return directory.FullName;
        }

        return null;
    }

    private static string? FindClaudeCli(string root, Func<string, string?> environment)
    {
        if (environment("WEGENT_CLAUDE_CLI") is { Length: > 0 } configured) return configured;
        var installed = Path.Combine(root, ".tools", "node_modules", ".bin", "claude");
        if (File.Exists(installed)) return installed;
        return (environment("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "claude"))
            .FirstOrDefault(File.Exists);
    }
}
