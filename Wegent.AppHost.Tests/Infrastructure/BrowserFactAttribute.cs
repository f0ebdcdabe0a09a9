using System.Diagnostics;

namespace Wegent.AppHost.Tests.Infrastructure;

/// <summary>A test in a real browser against the real resources: needs Chromium, Python with the dev backend's
/// packages and the Claude Code CLI. Skipped with the reason when one is missing, unless WEGENT_E2E_REQUIRED=1.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        Timeout = (int)(TestTimeouts.Default.TotalMilliseconds * 3);
        if (Environment.GetEnvironmentVariable("WEGENT_E2E_REQUIRED") == "1") return;
        if (!OperatingSystem.IsLinux()) Skip = "The browser test runs on Linux.";
        else if (!File.Exists(BrowserEnvironment.Chromium)) Skip = $"Chromium is missing at {BrowserEnvironment.Chromium}: run scripts/install-prerequisites (or apt-get install -y chromium), or set WEGENT_CHROMIUM.";
        else if (!BrowserEnvironment.PythonReady) Skip = "Python lacks fastapi/uvicorn/socketio/jwt: run scripts/install-prerequisites.";
        else if (BrowserEnvironment.Layout.ClaudeCli is null) Skip = "The Claude Code CLI is missing: run scripts/install-prerequisites, or set WEGENT_CLAUDE_CLI.";
    }
}

internal static class BrowserEnvironment
{
    public static string Chromium { get; } = Environment.GetEnvironmentVariable("WEGENT_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    public static RepositoryLayout Layout { get; } = RepositoryLayout.Discover(Environment.GetEnvironmentVariable);

    public static bool PythonReady { get; } = Succeeds(Layout.Python, "-c", "import fastapi, uvicorn, socketio, jwt");

    /// <summary>Offline, quiet, disposable: no sandbox (containers), no GPU, no QUIC, no background traffic.</summary>
    public static IReadOnlyList<string> LaunchArguments { get; } =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");

    private static bool Succeeds(string command, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            using var process = Process.Start(start);
            process?.WaitForExit();
            return process?.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
