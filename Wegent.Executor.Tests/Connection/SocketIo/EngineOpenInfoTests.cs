using Wegent.Executor.Connection.SocketIo;

namespace Wegent.Executor.Tests.Connection.SocketIo;

public sealed class EngineOpenInfoTests
{
    [Fact]
    public void Parse_reads_python_engineio_handshake_without_max_payload()
    {
        var open = EngineOpenInfo.Parse("""{"sid":"abc","upgrades":[],"pingTimeout":20000,"pingInterval":25000}""");

        Assert.Equal("abc", open.Sid);
        Assert.Equal(TimeSpan.FromSeconds(25), open.PingInterval);
        Assert.Equal(TimeSpan.FromSeconds(20), open.PingTimeout);
        Assert.Equal(TimeSpan.FromSeconds(45), open.PingDeadline);
        Assert.Null(open.MaxPayload);
    }

    [Fact]
    public void Parse_reads_max_payload_when_present()
    {
        var open = EngineOpenInfo.Parse("""{"sid":"abc","pingTimeout":20000,"pingInterval":25000,"maxPayload":1000000}""");

        Assert.Equal(1_000_000, open.MaxPayload);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"pingTimeout":1,"pingInterval":1}""")]
    [InlineData("""{"sid":"a","pingInterval":1}""")]
    [InlineData("""{"sid":"a","pingTimeout":-5,"pingInterval":1}""")]
    [InlineData("""{"sid":"a","pingTimeout":"1","pingInterval":1}""")]
    public void Parse_rejects_incomplete_handshakes(string json) =>
        Assert.Throws<SocketIoProtocolException>(() => EngineOpenInfo.Parse(json));
}
