namespace Wegent.Executor.Tests.TestSupport;

/// <summary>A test of POSIX file modes: skipped on Windows, which has none.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "POSIX file modes do not exist on Windows";
        }
    }
}
