using System.Runtime.CompilerServices;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Wegent.ServiceDefaults;

/// <summary>OpenTelemetry for a process that is not an ASP.NET host (the executor): providers are built only when an
/// OTLP endpoint is configured, so with telemetry off nothing is built and no OpenTelemetry assembly is even loaded.</summary>
public static class WegentTelemetry
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static bool IsExportConfigured(Func<string, string?> environment) =>
        !string.IsNullOrWhiteSpace(environment(OtlpEndpointVariable));

    /// <summary>Starts OTLP export of <paramref name="sources"/> when OTEL_EXPORTER_OTLP_ENDPOINT is set; null otherwise.
    /// The exporter reads the standard OTEL_* variables (endpoint, protocol, headers, service name).</summary>
    public static IDisposable? StartExportIfConfigured(string serviceName, IReadOnlyList<string> sources, Func<string, string?> environment) =>
        IsExportConfigured(environment) ? StartOtlp(serviceName, sources) : null;

    /// <summary>Builds the tracer and meter providers of <paramref name="setup"/>; dispose to flush and stop them.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IDisposable Start(TelemetrySetup setup)
    {
        // OTEL_SERVICE_NAME (set by Aspire to the resource's name) wins, so traces, metrics and logs show as one resource.
        var resource = ResourceBuilder.CreateDefault();
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME"))) resource.AddService(setup.ServiceName);
        var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource([.. setup.Sources]);
        setup.ConfigureTracing(tracing);
        var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter([.. setup.Sources]);
        setup.ConfigureMetrics(metrics);
        return new TelemetryProviders(tracing.Build(), metrics.Build());
    }

    // Kept out of line so that the check above never makes the JIT load an OpenTelemetry type.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IDisposable StartOtlp(string serviceName, IReadOnlyList<string> sources) => Start(new TelemetrySetup(serviceName, sources));

    private sealed class TelemetryProviders(TracerProvider tracer, MeterProvider meter) : IDisposable
    {
        public void Dispose()
        {
            tracer.Dispose();
            meter.Dispose();
        }
    }
}
