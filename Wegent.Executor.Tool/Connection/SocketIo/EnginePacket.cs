namespace Wegent.Executor.Connection.SocketIo;

internal enum EnginePacketType
{
    Open = 0,
    Close = 1,
    Ping = 2,
    Pong = 3,
    Message = 4,
    Upgrade = 5,
    Noop = 6,
}

/// <summary>One Engine.IO v4 packet as carried in one websocket text message: a type digit, then the data.</summary>
internal readonly record struct EnginePacket(EnginePacketType Type, string Data)
{
    public static EnginePacket Ping { get; } = new(EnginePacketType.Ping, "");
    public static EnginePacket Pong { get; } = new(EnginePacketType.Pong, "");

    public static EnginePacket Message(string data) => new(EnginePacketType.Message, data);

    public string Encode() => string.Concat(((int)Type).ToString(System.Globalization.CultureInfo.InvariantCulture), Data);

    /// <exception cref="SocketIoProtocolException">Empty text or an unknown type.</exception>
    public static EnginePacket Decode(string text)
    {
        if (text.Length == 0)
        {
            throw new SocketIoProtocolException("Empty Engine.IO packet.");
        }

        var digit = text[0] - '0';
        if (digit is < (int)EnginePacketType.Open or > (int)EnginePacketType.Noop)
        {
            throw new SocketIoProtocolException($"Unknown Engine.IO packet type '{text[0]}'.");
        }

        return new EnginePacket((EnginePacketType)digit, text[1..]);
    }
}
