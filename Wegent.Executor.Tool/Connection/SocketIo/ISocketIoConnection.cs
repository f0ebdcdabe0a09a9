using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Connection.SocketIo;

/// <summary>One Socket.IO v5 session (Engine.IO v4, websocket only) joined to one namespace.
/// It never reconnects by itself: the caller owns reconnect policy.</summary>
public interface ISocketIoConnection : IAsyncDisposable
{
    /// <summary>Opens the websocket and joins the namespace. Completes only after the server accepted the namespace
    /// connect, so nothing emitted afterwards is dropped.</summary>
    /// <exception cref="SocketIoConnectRefusedException">The server answered CONNECT_ERROR.</exception>
    /// <exception cref="TimeoutException">The session opened but the namespace connect got no answer in time (how some
    /// servers refuse a token).</exception>
    /// <exception cref="IOException">The server did not open a session in time (hung or unreachable).</exception>
    Task ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Events sent by the server, in arrival order.</summary>
    ChannelReader<SocketIoEvent> Events { get; }

    /// <summary>Fire-and-forget emit.</summary>
    /// <exception cref="SocketIoMessageTooLargeException">The encoded message exceeds the maximum size; nothing was sent.</exception>
    /// <exception cref="SocketIoDisconnectedException">The session is closed.</exception>
    Task EmitAsync(string eventName, JsonNode? payload, CancellationToken cancellationToken);

    /// <summary>Emit that asks for an ack; returns the ack's first argument.</summary>
    /// <exception cref="TimeoutException">No ack within <paramref name="timeout"/> (the pending entry is removed).</exception>
    /// <exception cref="SocketIoDisconnectedException">The session closed before the ack.</exception>
    Task<JsonNode?> CallAsync(string eventName, JsonNode? payload, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>The same, with the payload written straight into the message by <paramref name="writePayload"/>: no JSON
    /// tree for large, frequent events. By default the payload is read into a tree and sent as above.</summary>
    Task<JsonNode?> CallWritingAsync(string eventName, Action<Utf8JsonWriter> writePayload, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync(eventName, WrittenJson.ToNode(writePayload), timeout, cancellationToken);

    /// <summary>Completes, with the reason, when the session ends for any cause (close packet, namespace disconnect,
    /// missed pings, socket error, dispose).</summary>
    Task<string> Closed { get; }
}
