using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Wegent.ServiceDefaults;

/// <summary>What one process exports: its service name, the ActivitySource and Meter names it owns, and the exporters.</summary>
public sealed record TelemetrySetup(string ServiceName, IReadOnlyList<string> Sources)
{
    /// <summary>Adds the exporters of traces (OTLP by default; tests add an in-memory one).</summary>
    public Action<TracerProviderBuilder> ConfigureTracing { get; init; } = tracing => tracing.AddOtlpExporter();

    /// <summary>Adds the exporters of metrics (OTLP by default).</summary>
    public Action<MeterProviderBuilder> ConfigureMetrics { get; init; } = metrics => metrics.AddOtlpExporter();
}
