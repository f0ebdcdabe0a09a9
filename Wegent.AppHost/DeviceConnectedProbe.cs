using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Wegent.AppHost.Model;

namespace Wegent.AppHost;

/// <summary>The executor is healthy when the dev backend lists its device as connected (registered over Socket.IO).</summary>
public sealed class DeviceConnectedProbe(HttpClient http, Uri backendUrl, string token, string deviceId) : IHealthProbe
{
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(backendUrl, "/api/devices"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) return false;
        var devices = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonArray;
        return devices?.Any(d => d?["device_id"]?.GetValue<string>() == deviceId && d["connected"]?.GetValue<bool>() == true) == true;
    }
}
