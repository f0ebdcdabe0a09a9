using Wegent.AppHost;

namespace Wegent.E2E.Infrastructure;

/// <summary>Where things are on this machine, found at run time (never hard-coded in the repo) the way the AppHost
/// finds them: the checkout, its Python and the Claude Code CLI come from the AppHost's <see cref="RepositoryLayout"/>.</summary>
public static class TestEnvironment
{
    public static RepositoryLayout Layout { get; } = RepositoryLayout.Discover(Environment.GetEnvironmentVariable);

    public static string RepositoryRoot => Layout.Root;

    /// <summary>Python with fastapi, uvicorn and python-socketio (WEGENT_PYTHON, else Debian's).</summary>
    public static string Python => Layout.Python;

    /// <summary>The Claude Code CLI: WEGENT_CLAUDE_CLI, else the copy scripts/test installs, else PATH.</summary>
    public static string? ClaudeCli { get; } = Layout.ClaudeCli;

    /// <summary>The executor as built next to these tests.</summary>
    public static string ExecutorPath { get; } = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "wegent-executor.exe" : "wegent-executor");
}
