using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

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

/// <summary>An event from the server. <paramref name="Reply"/> is set when the server sent it as a call and waits for an
/// answer.</summary>
public sealed record SocketIoEvent(string Name, JsonNode? Payload, SocketIoReply? Reply = null);

/// <summary>The answer a server's call waits for. Sent at most once, from any thread; once the session has closed an
/// answer is dropped (the server's call has failed by then).</summary>
public sealed class SocketIoReply(Func<JsonNode?, Task<bool>> send)
{
    private int _used;

    /// <summary>True once an answer was given (sent or dropped).</summary>
    public bool IsAnswered => Volatile.Read(ref _used) == 1;

    /// <summary>Sends <paramref name="answer"/> as the ack's one argument (null: an empty ack). Never throws.</summary>
    /// <returns>True when it was sent; false when an answer had been given already or it could not be sent (the session
    /// closed, or it is over the size limit).</returns>
    public Task<bool> SendAsync(JsonNode? answer) =>
        Interlocked.Exchange(ref _used, 1) == 1 ? Task.FromResult(false) : send(answer);
}

public sealed record SocketIoConnectionOptions
{
    /// <summary>HTTP(S) base URL; the socket goes to {scheme ws/wss}://host:port/socket.io/?EIO=4&amp;transport=websocket.</summary>
    public required Uri BaseUrl { get; init; }
    public required string Namespace { get; init; }
    public JsonObject? Auth { get; init; }
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public int MaxMessageBytes { get; init; } = 1_000_000;
}

public interface ISocketIoConnectionFactory
{
    ISocketIoConnection Create(SocketIoConnectionOptions options);
}

public sealed class SocketIoConnectRefusedException(string? serverMessage)
    : Exception(serverMessage is null ? "The server refused the namespace connect." : $"The server refused the namespace connect: {serverMessage}")
{
    public string? ServerMessage { get; } = serverMessage;
}

public sealed class SocketIoDisconnectedException(string reason) : Exception($"The Socket.IO session is closed: {reason}");

public sealed class SocketIoMessageTooLargeException(int size, int limit)
    : Exception($"The message is {size} bytes, over the {limit}-byte limit; it was not sent.")
{
    public int Size { get; } = size;
    public int Limit { get; } = limit;
}

/// <summary>Reads what a payload writer writes into a JSON tree (for channels that keep or inspect payloads).</summary>
public static class WrittenJson
{
    public static JsonNode ToNode(Action<Utf8JsonWriter> writePayload)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writePayload(writer);
        }

        return JsonNode.Parse(buffer.WrittenSpan) ?? throw new InvalidOperationException("The payload writer wrote JSON null.");
    }
}
