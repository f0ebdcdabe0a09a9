using Wegent.Executor.Connection.SocketIo;

namespace Wegent.Executor.Tests.Connection.SocketIo;

public sealed class EnginePacketTests
{
    [Theory]
    [InlineData("2", EnginePacketType.Ping, "")]
    [InlineData("3", EnginePacketType.Pong, "")]
    [InlineData("1", EnginePacketType.Close, "")]
    [InlineData("40/local-executor,{\"sid\":\"a\"}", EnginePacketType.Message, "0/local-executor,{\"sid\":\"a\"}")]
    [InlineData("0{\"sid\":\"x\"}", EnginePacketType.Open, "{\"sid\":\"x\"}")]
    public void Decode_reads_type_and_data_and_encode_restores_the_text(string text, object type, string data)
    {
        var packet = EnginePacket.Decode(text);

        Assert.Equal((EnginePacketType)type, packet.Type);
        Assert.Equal(data, packet.Data);
        Assert.Equal(text, packet.Encode());
    }

    [Theory]
    [InlineData("")]
    [InlineData("7")]
    [InlineData("x")]
    [InlineData("b4AAAA")]
    public void Decode_rejects_malformed_text(string text) =>
        Assert.Throws<SocketIoProtocolException>(() => EnginePacket.Decode(text));
}
