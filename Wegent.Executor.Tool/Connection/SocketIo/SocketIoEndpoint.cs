namespace Wegent.Executor.Connection.SocketIo;

/// <summary>Where the websocket goes: the server root of the HTTP base URL (its path is ignored).</summary>
internal static class SocketIoEndpoint
{
    public static Uri WebSocketUri(Uri baseUrl)
    {
        var scheme = baseUrl.Scheme.ToLowerInvariant() switch
        {
            "http" or "ws" => "ws",
            "https" or "wss" => "wss",
            var other => throw new ArgumentException($"Unsupported URL scheme '{other}'; use http or https.", nameof(baseUrl)),
        };
        return new UriBuilder(scheme, baseUrl.Host, baseUrl.Port, "/socket.io/") { Query = "EIO=4&transport=websocket" }.Uri;
    }
}
