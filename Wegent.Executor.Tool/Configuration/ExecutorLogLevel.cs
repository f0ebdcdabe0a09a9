namespace Wegent.Executor.Configuration;

/// <summary>The LOG_LEVEL values, named as the Python original prints them.</summary>
public enum ExecutorLogLevel
{
    Debug,
    Info,
    Warning,
    Error,
}
