using AppHostPrerequisites = Wegent.AppHost.Prerequisites;

namespace Wegent.E2E.Infrastructure;

/// <summary>An end-to-end test: needs Python with the backend's packages and the Claude Code CLI. Without them it is
/// skipped with the reason, unless WEGENT_E2E_REQUIRED=1 (set by scripts/test, which installs them) makes it fail instead.</summary>
public sealed class E2EFactAttribute : FactAttribute
{
    public E2EFactAttribute()
    {
        Timeout = Prerequisites.TestTimeoutMilliseconds;
        Skip = Prerequisites.SkipReason();
    }
}

/// <summary>A parametrised <see cref="E2EFactAttribute"/>.</summary>
public sealed class E2ETheoryAttribute : TheoryAttribute
{
    public E2ETheoryAttribute()
    {
        Timeout = Prerequisites.TestTimeoutMilliseconds;
        Skip = Prerequisites.SkipReason();
    }
}

internal static class Prerequisites
{
    public static int TestTimeoutMilliseconds => (int)(Wait.DefaultTimeout.TotalMilliseconds * 3);

    public static string? SkipReason()
    {
        if (Environment.GetEnvironmentVariable("WEGENT_E2E_REQUIRED") == "1") return null;
        if (!OperatingSystem.IsLinux()) return "The E2E suite runs on Linux.";
        return Missing;
    }

    /// <summary>What the AppHost would refuse to start the backend or the executor without, in its words and with its
    /// fix (Python's packages for the dev backend, then the Claude Code CLI); null when nothing is. Checked once.</summary>
    private static string? Missing { get; } =
        AppHostPrerequisites.DevBackendPython(TestEnvironment.Layout)() ?? AppHostPrerequisites.ClaudeCli(() => TestEnvironment.ClaudeCli)();
}
