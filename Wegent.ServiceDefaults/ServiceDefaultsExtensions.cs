using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Wegent.ServiceDefaults;

/// <summary>The Aspire-style entry point for hosted .NET processes (the AppHost and its dashboard).</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Traces, metrics and logs over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; nothing registered otherwise.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, params string[] sources)
        where TBuilder : IHostApplicationBuilder
    {
        if (!WegentTelemetry.IsExportConfigured(name => builder.Configuration[name])) return builder;
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithTracing(tracing => tracing.AddSource(sources))
            .WithMetrics(metrics => metrics.AddMeter(sources))
            .UseOtlpExporter();
        return builder;
    }
}
