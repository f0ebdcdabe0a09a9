using Wegent.AppHost.Model;

namespace Wegent.AppHost.Orchestrator;

/// <summary>Healthy when GET <c>url</c> answers a success status.</summary>
public sealed class HttpHealthProbe(HttpClient http, Uri url) : IHealthProbe
{
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }
}
