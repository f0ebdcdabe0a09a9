using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Connection.SocketIo;

internal enum SocketIoPacketType
{
    Connect = 0,
    Disconnect = 1,
    Event = 2,
    Ack = 3,
    ConnectError = 4,
    BinaryEvent = 5,
    BinaryAck = 6,
}

/// <summary>One Socket.IO v5 packet (the text inside an Engine.IO message):
/// type digit, then "/namespace," unless the namespace is "/", then an optional ack id, then optional JSON.</summary>
internal sealed record SocketIoPacket(SocketIoPacketType Type, string Namespace, long? AckId, JsonNode? Data)
{
    private const string DefaultNamespace = "/";

    /// <summary>Deeper than System.Text.Json's default of 64, so a task payload with a deeply nested field is still read
    /// and answered rather than dropped whole; python-socketio's encoder stops near 1,000 (Python's recursion limit).</summary>
    internal const int MaxDepth = 1_000;

    private static readonly JsonDocumentOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    /// <summary>Encodes without attaching <see cref="Data"/> to any parent, so callers may reuse their nodes.</summary>
    public string Encode()
    {
        using var frame = new PooledFrame();
        Write(frame, Type, Namespace, AckId, Data is null ? null : writer => Data.WriteTo(writer));
        return frame.ToText();
    }

    /// <summary>Encodes an EVENT (<c>2/ns,id["name",payload]</c>; a null payload is sent as JSON null, so server handlers
    /// taking a data argument still get one) straight into an Engine.IO message frame (<c>4</c> + the packet), as UTF-8
    /// in a pooled buffer.</summary>
    public static PooledFrame EncodeEventFrame(string @namespace, long? ackId, string eventName, JsonNode? payload) =>
        EncodeEventFrame(@namespace, ackId, eventName, PayloadWriter(payload));

    /// <summary>The same, with the payload written by <paramref name="writePayload"/> (no JSON tree in between).</summary>
    public static PooledFrame EncodeEventFrame(string @namespace, long? ackId, string eventName, Action<Utf8JsonWriter> writePayload) =>
        InMessageFrame(frame => WriteEvent(frame, @namespace, ackId, eventName, writePayload));

    /// <summary>Encodes an ACK answering the server's call <paramref name="ackId"/> (<c>3/ns,id[answer]</c>; a null answer is
    /// an empty ack, <c>[]</c>) straight into an Engine.IO message frame.</summary>
    public static PooledFrame EncodeAckFrame(string @namespace, long ackId, JsonNode? answer) =>
        InMessageFrame(frame => Write(frame, SocketIoPacketType.Ack, @namespace, ackId, writer =>
        {
            writer.WriteStartArray();
            answer?.WriteTo(writer);
            writer.WriteEndArray();
        }));

    /// <summary>An Engine.IO message frame (<c>4</c>) around the packet <paramref name="writePacket"/> writes.</summary>
    private static PooledFrame InMessageFrame(Action<PooledFrame> writePacket)
    {
        var frame = new PooledFrame();
        try
        {
            frame.GetSpan(1)[0] = (byte)('0' + (int)EnginePacketType.Message);
            frame.Advance(1);
            writePacket(frame);
            return frame;
        }
        catch
        {
            frame.Dispose();
            throw;
        }
    }

    private static Action<Utf8JsonWriter> PayloadWriter(JsonNode? payload) => writer =>
    {
        if (payload is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            payload.WriteTo(writer);
        }
    };

    private static void WriteEvent(IBufferWriter<byte> output, string @namespace, long? ackId, string eventName, Action<Utf8JsonWriter> writePayload) =>
        Write(output, SocketIoPacketType.Event, @namespace, ackId, writer =>
        {
            writer.WriteStartArray();
            writer.WriteStringValue(eventName);
            writePayload(writer);
            writer.WriteEndArray();
        });

    /// <exception cref="SocketIoProtocolException">The text is not a valid JSON Socket.IO packet.</exception>
    public static SocketIoPacket Decode(string text)
    {
        if (text.Length == 0)
        {
            throw new SocketIoProtocolException("Empty Socket.IO packet.");
        }

        var digit = text[0] - '0';
        if (digit is < (int)SocketIoPacketType.Connect or > (int)SocketIoPacketType.BinaryAck)
        {
            throw new SocketIoProtocolException($"Unknown Socket.IO packet type '{text[0]}'.");
        }

        var type = (SocketIoPacketType)digit;
        if (type is SocketIoPacketType.BinaryEvent or SocketIoPacketType.BinaryAck)
        {
            throw new SocketIoProtocolException("Binary Socket.IO packets are not supported (JSON only).");
        }

        var rest = text.AsSpan(1);
        var @namespace = DefaultNamespace;
        if (rest.Length > 0 && rest[0] == '/')
        {
            var comma = rest.IndexOf(',');
            var nsPart = comma < 0 ? rest : rest[..comma];
            rest = comma < 0 ? [] : rest[(comma + 1)..];
            // A namespace may carry a query string ("/ns?x=1"); it is not part of the name.
            var query = nsPart.IndexOf('?');
            @namespace = (query < 0 ? nsPart : nsPart[..query]).ToString();
        }

        long? ackId = null;
        var digits = 0;
        while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
        {
            digits++;
        }

        if (digits > 0)
        {
            if (!long.TryParse(rest[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw new SocketIoProtocolException("The Socket.IO ack id is too long.");
            }

            ackId = id;
            rest = rest[digits..];
        }

        JsonNode? data = null;
        if (rest.Length > 0)
        {
            try
            {
                data = JsonNode.Parse(rest.ToString(), documentOptions: ReaderOptions);
            }
            catch (JsonException e)
            {
                throw new SocketIoProtocolException($"The Socket.IO packet data is not valid JSON: {e.Message}");
            }
        }

        return new SocketIoPacket(type, @namespace, ackId, data);
    }

    /// <summary>Takes an EVENT's name and first argument out of <see cref="Data"/> (further arguments are not used by this protocol).</summary>
    /// <exception cref="SocketIoProtocolException">The data is not an array starting with the event name.</exception>
    public SocketIoEvent TakeEvent()
    {
        if (Data is JsonArray { Count: > 0 } array && array[0] is JsonValue name && name.TryGetValue(out string? eventName))
        {
            return new SocketIoEvent(eventName, array.Count > 1 ? Detach(array, 1) : null);
        }

        throw new SocketIoProtocolException("A Socket.IO event must be a JSON array starting with the event name.");
    }

    /// <summary>Takes an ACK's first argument out of <see cref="Data"/> (null when the server acked without data).</summary>
    /// <exception cref="SocketIoProtocolException">The data is not an array.</exception>
    public JsonNode? TakeAckResult() =>
        Data is JsonArray array
            ? array.Count > 0 ? Detach(array, 0) : null
            : throw new SocketIoProtocolException("A Socket.IO ack must carry a JSON array.");

    /// <summary>Reads the server's reason from a CONNECT_ERROR: <c>{"message": "..."}</c>, or a bare string (older servers).</summary>
    public string? ReadConnectErrorMessage() => Data switch
    {
        JsonObject error when error["message"] is JsonValue message && message.TryGetValue(out string? text) => text,
        JsonValue value when value.TryGetValue(out string? text) => text,
        null => null,
        _ => Data.ToJsonString(),
    };

    // Hands the element to the caller without a parent, so they may put it into their own trees.
    private static JsonNode? Detach(JsonArray array, int index)
    {
        var node = array[index];
        array[index] = null;
        return node;
    }

    private static void Write(IBufferWriter<byte> output, SocketIoPacketType type, string @namespace, long? ackId, Action<Utf8JsonWriter>? writeData)
    {
        var head = new StringBuilder();
        head.Append((int)type);
        if (@namespace != DefaultNamespace)
        {
            head.Append(@namespace).Append(',');
        }

        if (ackId is { } id)
        {
            head.Append(id);
        }

        Encoding.UTF8.GetBytes(head.ToString(), output);
        if (writeData is not null)
        {
            using var writer = new Utf8JsonWriter(output, WireJson.WriterOptions);
            writeData(writer);
        }
    }
}
