using System.Security;
using Serilog;
using Serilog.Events;
using Wegent.Executor.Configuration;

namespace Wegent.Executor.Logging;

/// <summary>Builds the executor's logger: console (stdout) and the rotating log file, every line masked.</summary>
public static class LoggingSetup
{
    /// <summary>Creates the logger. If the log directory cannot be created or written, logs to the console only and
    /// prints the troubleshooting block there.</summary>
    public static ExecutorLogging Create(ExecutorOptions options, SecretMasker masker)
    {
        // stdout: service managers capture it by default, and stderr stays for the one-line fatal errors of the CLI.
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(MinimumLevel(options))
            .Destructure.AsScalar<MultilineText>()
            .WriteTo.Console(new MaskingFormatter(new ExecutorLineFormatter(includeCaller: false), masker));

        string? failure = null;
        try
        {
            ExecutorDirectories.CreatePrivate(options.LogDirectory);
            configuration.WriteTo.Sink(new RotatingFileSink(
                options.LogFilePath,
                new MaskingFormatter(new ExecutorLineFormatter(includeCaller: true), masker),
                options.LogMaxFileBytes,
                options.LogBackupCount,
                reason => Console.Out.Write(Troubleshooting.FileLoggingStopped(options.LogFilePath, masker.Mask(reason)))));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SecurityException or ArgumentException or NotSupportedException)
        {
            failure = e.Message;
            Console.Out.Write(Troubleshooting.FileLoggingFailed(options.LogDirectory, masker.Mask(e.Message)));
        }

        return new ExecutorLogging(configuration.CreateLogger(), failure);
    }

    public static LogEventLevel MinimumLevel(ExecutorOptions options) =>
        options.DebugLogging ? LogEventLevel.Debug : options.LogLevel switch
        {
            ExecutorLogLevel.Debug => LogEventLevel.Debug,
            ExecutorLogLevel.Info => LogEventLevel.Information,
            ExecutorLogLevel.Warning => LogEventLevel.Warning,
            _ => LogEventLevel.Error,
        };
}
