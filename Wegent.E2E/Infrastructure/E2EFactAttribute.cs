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
        if (!PythonReady) return $"{TestEnvironment.Python} lacks fastapi/uvicorn/socketio: run scripts/test (or apt-get install python3-socketio python3-uvicorn python3-fastapi python3-jwt).";
        if (TestEnvironment.ClaudeCli is null) return "The Claude Code CLI is missing: run scripts/test (or npm install @anthropic-ai/claude-code@2.1.197), or set WEGENT_CLAUDE_CLI.";
        return null;
    }

    public static bool PythonReady { get; } = Check();

    private static bool Check()
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(TestEnvironment.Python, ["-c", "import fastapi, uvicorn, socketio, jwt"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            });
            if (process is null) return false;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
