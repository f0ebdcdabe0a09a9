using System.Runtime.CompilerServices;
using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Sinks.OpenTelemetry;
using Wegent.Executor.Configuration;
using Wegent.ServiceDefaults;

namespace Wegent.Executor.Logging;

/// <summary>The executor's log events as OpenTelemetry logs over OTLP (to the Aspire dashboard under the AppHost), with
/// the trace and span of the task they belong to. Endpoint, protocol, headers, service name and resource attributes come
/// from the standard OTEL_* variables, which Aspire sets.</summary>
internal static class OtlpLogExport
{
    // Kept out of line so that with no endpoint configured the sink's assemblies are never loaded.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void AddTo(LoggerConfiguration configuration, SecretMasker masker, Func<string, string?> environment)
    {
        var otlp = LoggerSinkConfiguration.CreateSink(sinks => sinks.OpenTelemetry(options =>
        {
            options.IncludedData = IncludedData.MessageTemplateTextAttribute | IncludedData.TraceIdField | IncludedData.SpanIdField
                | IncludedData.SpecRequiredResourceAttributes | IncludedData.SourceContextAttribute;
            if (environment("OTEL_SERVICE_NAME") is { Length: > 0 } service) options.ResourceAttributes["service.name"] = service;
        }, name => environment(name)));
        configuration.WriteTo.Sink(new MaskingSink(new BoundedShutdownSink(otlp), masker));
    }

    /// <summary>Flushes the OTLP sink on disposal for at most <see cref="TelemetryShutdown.Timeout"/>, so that an
    /// unreachable collector does not hold a stopping executor.</summary>
    private sealed class BoundedShutdownSink(ILogEventSink inner) : ILogEventSink, IDisposable
    {
        public void Emit(LogEvent logEvent) => inner.Emit(logEvent);

        public void Dispose()
        {
            if (inner is IDisposable disposable) TelemetryShutdown.Dispose(disposable);
        }
    }
}
