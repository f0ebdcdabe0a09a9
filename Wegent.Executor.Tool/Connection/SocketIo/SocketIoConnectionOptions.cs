using System.Text.Json.Nodes;

namespace Wegent.Executor.Connection.SocketIo;

public sealed record SocketIoConnectionOptions
{
    /// <summary>HTTP(S) base URL; the socket goes to {scheme ws/wss}://host:port/socket.io/?EIO=4&amp;transport=websocket.</summary>
    public required Uri BaseUrl { get; init; }
    public required string Namespace { get; init; }
    public JsonObject? Auth { get; init; }
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public int MaxMessageBytes { get; init; } = 1_000_000;
}
