using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Wegent.Executor.Workspace;

/// <summary>HTTP downloads from the backend (skills, attachments) with the task's token. Every request goes to the
/// configured backend origin: paths are built here from escaped segments and redirects are not followed, so no
/// payload can make the executor fetch from another host. Sizes and times are bounded; the system proxy applies.</summary>
public sealed class BackendDownloads : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(5);
    private const int MaxJsonBytes = 4 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly Uri _base;

    /// <param name="backendUrl">WEGENT_BACKEND_URL; its path, if any, prefixes <c>/api/...</c>.</param>
    public BackendDownloads(Uri backendUrl)
    {
        _base = new Uri(backendUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = true,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>GET <paramref name="relative"/> (escaped by the caller) as JSON.</summary>
    /// <exception cref="DownloadException">Any failure, worded for a log line or a prompt.</exception>
    public async Task<JsonNode?> GetJsonAsync(string relative, string? bearer, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await DownloadAsync(relative, bearer, buffer, MaxJsonBytes, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        try
        {
            return await JsonNode.ParseAsync(buffer, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new DownloadException($"{relative} did not answer JSON ({ex.Message})", ex);
        }
    }

    /// <summary>GET <paramref name="relative"/> into <paramref name="destination"/>, at most <paramref name="maxBytes"/>.</summary>
    /// <exception cref="DownloadException">Any failure, worded for a log line or a prompt.</exception>
    public async Task DownloadAsync(string relative, string? bearer, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        var uri = new Uri(_base, relative);
        if (uri.GetLeftPart(UriPartial.Authority) != _base.GetLeftPart(UriPartial.Authority))
        {
            throw new DownloadException($"{relative} is not on the backend");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new DownloadException($"the backend answered {(int)response.StatusCode} {response.ReasonPhrase} for {uri.AbsolutePath}");
            }

            if (response.Content.Headers.ContentLength > maxBytes) throw TooLarge(maxBytes);
            var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var buffer = new byte[81920];
                long total = 0;
                int read;
                while ((read = await body.ReadAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > maxBytes) throw TooLarge(maxBytes);
                    await destination.WriteAsync(buffer.AsMemory(0, read), timeout.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DownloadException($"{uri.AbsolutePath} took longer than {RequestTimeout.TotalMinutes:0} minutes");
        }
        catch (HttpRequestException ex)
        {
            throw new DownloadException($"{uri.AbsolutePath} could not be fetched ({ex.Message})", ex);
        }
    }

    public void Dispose() => _http.Dispose();

    private static DownloadException TooLarge(long maxBytes) => new($"the file is larger than {maxBytes / (1024 * 1024)} MB");
}

/// <summary>A download that did not happen; the message names why, never the token.</summary>
public sealed class DownloadException(string message, Exception? inner = null) : Exception(message, inner);
