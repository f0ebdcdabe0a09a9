using System.Security;
using Serilog;
using Serilog.Events;
using Wegent.Executor.Configuration;
using Wegent.ServiceDefaults;

namespace Wegent.Executor.Logging;

/// <summary>Builds the executor's logger: console (stdout), the rotating log file and, when an OTLP endpoint is
/// configured (as under the AppHost), OpenTelemetry logs; every line masked.</summary>
public static class LoggingSetup
{
    /// <summary>Creates the logger. If the log directory cannot be created or written, logs to the console only and
    /// prints the troubleshooting block there.</summary>
    /// <param name="environment">Where the OTEL_* settings are read (the process environment by default).</param>
    public static ExecutorLogging Create(ExecutorOptions options, SecretMasker masker, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
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

        if (WegentTelemetry.IsExportConfigured(environment)) OtlpLogExport.AddTo(configuration, masker, environment);
        return new ExecutorLogging(configuration.CreateLogger(), failure);
    }

    public static LogEventLevel MinimumLevel(ExecutorOptions options) =>
        options.LogLevel switch
        {
            ExecutorLogLevel.Debug => LogEventLevel.Debug,
            ExecutorLogLevel.Info => LogEventLevel.Information,
            ExecutorLogLevel.Warning => LogEventLevel.Warning,
            _ => LogEventLevel.Error,
        };
}
