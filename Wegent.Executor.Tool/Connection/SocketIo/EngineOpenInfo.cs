using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wegent.Executor.Connection.SocketIo;

/// <summary>The Engine.IO v4 handshake data (the open packet's JSON).</summary>
internal sealed record EngineOpenInfo(string Sid, TimeSpan PingInterval, TimeSpan PingTimeout, int? MaxPayload)
{
    /// <summary>How long without a ping before the connection counts as dead (the Engine.IO client rule).</summary>
    public TimeSpan PingDeadline => PingInterval + PingTimeout;

    /// <exception cref="SocketIoProtocolException">Not a JSON object with sid, pingInterval and pingTimeout.</exception>
    public static EngineOpenInfo Parse(string json)
    {
        JsonObject open;
        try
        {
            open = JsonNode.Parse(json) as JsonObject ?? throw new SocketIoProtocolException("The Engine.IO open packet is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new SocketIoProtocolException($"The Engine.IO open packet is not valid JSON: {e.Message}");
        }

        var sid = ReadString(open, "sid");
        var pingInterval = ReadPositiveInt(open, "pingInterval") ?? throw Missing("pingInterval");
        var pingTimeout = ReadPositiveInt(open, "pingTimeout") ?? throw Missing("pingTimeout");
        // python-engineio 4.3 does not send maxPayload; newer servers do.
        var maxPayload = ReadPositiveInt(open, "maxPayload");
        return new EngineOpenInfo(sid, TimeSpan.FromMilliseconds(pingInterval), TimeSpan.FromMilliseconds(pingTimeout), maxPayload);
    }

    private static string ReadString(JsonObject open, string name) =>
        open[name] is JsonValue value && value.TryGetValue(out string? text) && text.Length > 0 ? text : throw Missing(name);

    private static int? ReadPositiveInt(JsonObject open, string name)
    {
        if (open[name] is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue(out int number) && number > 0)
        {
            return number;
        }

        // Servers written in JavaScript or Python may send whole numbers as doubles.
        return value.TryGetValue(out double real) && real >= 1 && real <= int.MaxValue ? (int)real : throw Missing(name);
    }

    private static SocketIoProtocolException Missing(string name) =>
        new($"The Engine.IO open packet lacks a valid '{name}'.");
}
