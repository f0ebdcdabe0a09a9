using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Resources;

namespace Wegent.ServiceDefaults;

/// <summary>Aspire's service defaults for this repository's .NET processes: OpenTelemetry for the process's own traces and
/// metrics (and any Microsoft.Extensions.Logging logs), exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, as Aspire
/// sets it for its resources. Health is not served here: the executor has no HTTP endpoint, and its health is the
/// AppHost's check that the backend lists its device as connected.</summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, TelemetrySetup telemetry)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry(telemetry);
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, TelemetrySetup telemetry)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        var openTelemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME (Aspire sets it to the resource's name) wins, so traces, metrics and logs show as one resource.
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"])) resource.AddService(telemetry.ServiceName);
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource([.. telemetry.Sources]);
                telemetry.ConfigureTracing(tracing);
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter([.. telemetry.Sources]);
                telemetry.ConfigureMetrics(metrics);
            });
        if (WegentTelemetry.IsExportConfigured(name => builder.Configuration[name])) openTelemetry.UseOtlpExporter();
        return builder;
    }
}
