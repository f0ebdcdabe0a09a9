using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Wegent.AppHost.Dashboard;

/// <summary>Forwards the dashboard's device and task calls to the backend's REST API with the backend token.</summary>
internal sealed class BackendProxy(BackendLink backend) : IDisposable
{
    private readonly HttpClient _http = new()
    {
        BaseAddress = backend.Url,
        Timeout = TimeSpan.FromSeconds(10),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", backend.Token) },
    };

    public async Task<IResult> ForwardAsync(HttpMethod method, string path, string? jsonBody, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (jsonBody is not null) request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return Results.Content(body, "application/json", Encoding.UTF8, (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return Results.Json(new { detail = $"The backend did not answer: {ex.Message}" }, statusCode: StatusCodes.Status502BadGateway);
        }
    }

    public void Dispose() => _http.Dispose();
}
