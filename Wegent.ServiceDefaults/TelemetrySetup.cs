using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Wegent.ServiceDefaults;

/// <summary>What one process exports: its service name (unless OTEL_SERVICE_NAME names it) and the ActivitySource and
/// Meter names it owns. OTLP export is the defaults' when an endpoint is configured; these hooks add other exporters
/// (tests add in-memory ones).</summary>
public sealed record TelemetrySetup(string ServiceName, IReadOnlyList<string> Sources)
{
    public Action<TracerProviderBuilder> ConfigureTracing { get; init; } = _ => { };

    public Action<MeterProviderBuilder> ConfigureMetrics { get; init; } = _ => { };
}
