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

    /// <summary>What the AppHost would refuse to start a resource without, in its words and with its fix; null when nothing is.</summary>
    private static string? Missing { get; } = Prerequisites.DevBackendPython(Layout)() ?? Prerequisites.ClaudeCli(() => Layout.ClaudeCli)();

    public static string? SkipReason(bool browser)
    {
        if (Environment.GetEnvironmentVariable("WEGENT_E2E_REQUIRED") == "1") return null;
        if (!OperatingSystem.IsLinux()) return "The AppHost tests run on Linux.";
        if (Missing is not null) return Missing;
        if (browser && !File.Exists(Chromium)) return $"Chromium is missing at {Chromium}: run scripts/install-prerequisites (or apt-get install -y chromium), or set WEGENT_CHROMIUM.";
        return null;
    }
}
