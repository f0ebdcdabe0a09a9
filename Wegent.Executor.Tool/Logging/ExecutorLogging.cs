using Serilog;
using Serilog.Core;

namespace Wegent.Executor.Logging;

/// <summary>The executor's logger and its sinks. Dispose at exit to flush and close the log file.</summary>
public sealed class ExecutorLogging(Logger logger, string? fileLoggingFailure) : IDisposable
{
    public ILogger Logger => logger;

    /// <summary>Why the log file could not be used (console logging only), or null when file logging works.</summary>
    public string? FileLoggingFailure { get; } = fileLoggingFailure;

    public void Dispose() => logger.Dispose();
}
