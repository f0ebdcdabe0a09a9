using Wegent.Executor.Connection.SocketIo;

namespace Wegent.Executor.Tests.Connection.SocketIo;

public sealed class SocketIoEndpointTests
{
    [Theory]
    [InlineData("http://backend:8000", "ws://backend:8000/socket.io/?EIO=4&transport=websocket")]
    [InlineData("https://wegent.example/api/v1", "wss://wegent.example/socket.io/?EIO=4&transport=websocket")]
    [InlineData("http://127.0.0.1:8000/?x=1", "ws://127.0.0.1:8000/socket.io/?EIO=4&transport=websocket")]
    [InlineData("ws://backend:8000", "ws://backend:8000/socket.io/?EIO=4&transport=websocket")]
    public void WebSocketUri_goes_to_the_server_root_and_ignores_the_base_path(string baseUrl, string expected) =>
        Assert.Equal(expected, SocketIoEndpoint.WebSocketUri(new Uri(baseUrl)).AbsoluteUri);

    [Fact]
    public void WebSocketUri_rejects_other_schemes() =>
        Assert.Throws<ArgumentException>(() => SocketIoEndpoint.WebSocketUri(new Uri("ftp://backend/")));
}
