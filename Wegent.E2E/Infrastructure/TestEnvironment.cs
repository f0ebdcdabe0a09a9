using System.Net;
using System.Net.Sockets;

namespace Wegent.E2E.Infrastructure;

/// <summary>Where things are on this machine, found at run time (never hard-coded in the repo).</summary>
public static class TestEnvironment
{
    public static TimeSpan DefaultTimeout { get; } =
        TimeSpan.FromSeconds(Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ? 90 : 45);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Python with fastapi, uvicorn and python-socketio (Debian's, by default).</summary>
    public static string Python { get; } = Environment.GetEnvironmentVariable("WEGENT_PYTHON") is { Length: > 0 } python ? python : "/usr/bin/python3";

    /// <summary>The Claude Code CLI: WEGENT_CLAUDE_CLI, else the copy scripts/test installs, else PATH.</summary>
    public static string? ClaudeCli { get; } = FindClaudeCli();

    /// <summary>The executor as built next to these tests.</summary>
    public static string ExecutorPath { get; } = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "wegent-executor.exe" : "wegent-executor");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Wegent.sln"))) return directory.FullName;
        }

        throw new InvalidOperationException("Wegent.sln not found above " + AppContext.BaseDirectory);
    }

    private static string? FindClaudeCli()
    {
        if (Environment.GetEnvironmentVariable("WEGENT_CLAUDE_CLI") is { Length: > 0 } configured) return configured;
        var installed = Path.Combine(RepositoryRoot, ".tools", "node_modules", ".bin", "claude");
        if (File.Exists(installed)) return installed;
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "claude"))
            .FirstOrDefault(File.Exists);
    }
}
