using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Wegent.ServiceDefaults;

/// <summary>The service defaults for a process that is not a hosted application (the executor: a console tool with its own
/// lifetime and signal handling). Built only when an OTLP endpoint is configured, so with telemetry off nothing is built
/// and no OpenTelemetry or hosting assembly is even loaded.</summary>
public static class WegentTelemetry
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static bool IsExportConfigured(Func<string, string?> environment) =>
        !string.IsNullOrWhiteSpace(environment(OtlpEndpointVariable));

    /// <summary>Starts OTLP export of <paramref name="sources"/> when OTEL_EXPORTER_OTLP_ENDPOINT is set; null otherwise.
    /// The exporter reads the standard OTEL_* variables (endpoint, protocol, headers, service name).</summary>
    public static IDisposable? StartExportIfConfigured(string serviceName, IReadOnlyList<string> sources, Func<string, string?> environment) =>
        IsExportConfigured(environment) ? StartOtlp(serviceName, sources) : null;

    /// <summary>Applies <see cref="ServiceDefaultsExtensions.AddServiceDefaults"/> on a host that is built but never run
    /// (running it would take over the process's signals); its telemetry providers start here and stop, flushing for at
    /// most <see cref="TelemetryShutdown.Timeout"/>, when the result is disposed. The configuration is the process
    /// environment (the OTEL_* variables).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IDisposable Start(TelemetrySetup setup)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = setup.ServiceName });
        builder.Configuration.AddEnvironmentVariables();
        builder.AddServiceDefaults(setup);
        var host = builder.Build();
        // What running the host would do for them: the providers are built, and so begin to listen, when first resolved.
        host.Services.GetRequiredService<TracerProvider>();
        host.Services.GetRequiredService<MeterProvider>();
        return new BoundedShutdown(host);
    }

    // Kept out of line so that the check above never makes the JIT load an OpenTelemetry or hosting type.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IDisposable StartOtlp(string serviceName, IReadOnlyList<string> sources) => Start(new TelemetrySetup(serviceName, sources));

    private sealed class BoundedShutdown(IHost host) : IDisposable
    {
        public void Dispose() => TelemetryShutdown.Dispose(host);
    }
}
