using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Wegent.AppHost;

/// <summary>The executor is healthy when the dev backend lists its device as connected (registered over Socket.IO).</summary>
/// <remarks>Aspire checks an unhealthy resource again after 1 s, then 2 s, 3 s… apart; a device that connects in such a
/// gap would wait for the next check. So an unhealthy answer is given only after watching the backend for
/// <see cref="Watch"/>: the executor shows healthy within <see cref="PollInterval"/> of registering.</remarks>
public sealed class DeviceConnectedHealthCheck(BackendLink backend, string deviceId, TimeProvider time) : IHealthCheck
{
    public static readonly TimeSpan Watch = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var result = await CheckOnceAsync(cancellationToken).ConfigureAwait(false);
            if (result.Status == HealthStatus.Healthy || time.GetElapsedTime(started) >= Watch) return result;
            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HealthCheckResult> CheckOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(backend.Url + "/api/devices"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", backend.Token);
            using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return HealthCheckResult.Unhealthy($"The backend answered {(int)response.StatusCode} to /api/devices.");
            var devices = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonArray;
            var connected = devices?.Any(d => d?["device_id"]?.GetValue<string>() == deviceId && d["connected"]?.GetValue<bool>() == true) == true;
            return connected ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"Device {deviceId} is not connected to the backend.");
        }
        catch (HttpRequestException ex)
        {
            return HealthCheckResult.Unhealthy("The backend did not answer.", ex);
        }
    }
}
