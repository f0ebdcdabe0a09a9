using System.Diagnostics;

namespace Wegent.AppHost.Tests.Infrastructure;

/// <summary>An <see cref="AppHostFactAttribute"/> that also drives Debian's Chromium.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        Timeout = (int)(Wait.DefaultTimeout.TotalMilliseconds * 3);
        Skip = TestPrerequisites.SkipReason(browser: true);
    }
}

/// <summary>What the AppHost's tests need on this machine; missing pieces skip them with the reason, unless
/// WEGENT_E2E_REQUIRED=1 (scripts/test, which installs them) makes them fail instead.</summary>
internal static class TestPrerequisites
{
    public static string Chromium { get; } = Environment.GetEnvironmentVariable("WEGENT_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    public static RepositoryLayout Layout { get; } = RepositoryLayout.Discover(Environment.GetEnvironmentVariable);

    /// <summary>Offline, quiet, disposable: no sandbox (containers), no GPU, no QUIC, no background traffic.</summary>
    public static IReadOnlyList<string> ChromiumArguments { get; } =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");

    private static bool PythonReady { get; } = Succeeds(Layout.Python, "-c", "import fastapi, uvicorn, socketio, jwt");

    public static string? SkipReason(bool browser)
    {
        if (Environment.GetEnvironmentVariable("WEGENT_E2E_REQUIRED") == "1") return null;
        if (!OperatingSystem.IsLinux()) return "The AppHost tests run on Linux.";
        if (!PythonReady) return "Python lacks fastapi/uvicorn/socketio/jwt: run scripts/install-prerequisites.";
        if (Layout.ClaudeCli is null) return "The Claude Code CLI is missing: run scripts/install-prerequisites, or set WEGENT_CLAUDE_CLI.";
        if (browser && !File.Exists(Chromium)) return $"Chromium is missing at {Chromium}: run scripts/install-prerequisites (or apt-get install -y chromium), or set WEGENT_CHROMIUM.";
        return null;
    }

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
