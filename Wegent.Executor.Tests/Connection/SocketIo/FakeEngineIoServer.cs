using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Wegent.Executor.Connection.SocketIo;

using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Connection.SocketIo;

/// <summary>The server end of a websocket pair over loopback TCP (no HTTP handshake), scripted by the test.
/// It owns the connections it creates: disposing it aborts the sockets first, so disposing them never waits for a
/// close handshake on fake time.</summary>
internal sealed class FakeEngineIoServer : IAsyncDisposable
{
    public const string Namespace = "/local-executor";

    private readonly TcpClient _serverTcp;
    private readonly TcpClient _clientTcp;
    private readonly WebSocket _server;
    private readonly WebSocket _client;
    private readonly List<SocketIoConnection> _connections = [];

    private FakeEngineIoServer(TcpClient serverTcp, TcpClient clientTcp)
    {
        _serverTcp = serverTcp;
        _clientTcp = clientTcp;
        _server = WebSocket.CreateFromStream(serverTcp.GetStream(), new WebSocketCreationOptions { IsServer = true });
        _client = WebSocket.CreateFromStream(clientTcp.GetStream(), new WebSocketCreationOptions { IsServer = false });
    }

    public static async Task<FakeEngineIoServer> StartAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var client = new TcpClient();
            var connecting = client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            var server = await listener.AcceptTcpClientAsync().WaitAsync(Wait.DefaultTimeout);
            await connecting;
            return new FakeEngineIoServer(server, client);
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <param name="wrapClient">Lets a test put its own websocket around the client end.</param>
    public SocketIoConnection CreateConnection(TimeProvider? timeProvider = null, TimeSpan? connectTimeout = null, Func<WebSocket, WebSocket>? wrapClient = null)
    {
        var options = new SocketIoConnectionOptions
        {
            BaseUrl = new Uri("http://127.0.0.1:9/"),
            Namespace = Namespace,
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10),
        };
        var connection = new SocketIoConnection(options, timeProvider, null, (_, _) => Task.FromResult(wrapClient?.Invoke(_client) ?? _client));
        _connections.Add(connection);
        return connection;
    }

    /// <summary>Runs the handshake for <paramref name="connection"/>: open packet, namespace connect, accept.</summary>
    public async Task AcceptAsync(SocketIoConnection connection, string openJson = """{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000}""")
    {
        var connecting = connection.ConnectAsync(CancellationToken.None);
        await SendAsync("0" + openJson);
        Assert.StartsWith("40/local-executor,", await ReceiveAsync(), StringComparison.Ordinal);
        await SendAsync("""40/local-executor,{"sid":"n1"}""");
        await connecting.WaitAsync(Wait.DefaultTimeout);
    }

    public Task SendAsync(string text) => SendFramesAsync(text);

    /// <summary>Sends one websocket message split into several frames.</summary>
    public async Task SendFramesAsync(params string[] parts)
    {
        for (var i = 0; i < parts.Length; i++)
        {
            await _server.SendAsync(Encoding.UTF8.GetBytes(parts[i]), WebSocketMessageType.Text, i == parts.Length - 1, CancellationToken.None);
        }
    }

    public Task SendBinaryAsync(byte[] data) =>
        _server.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None).WaitAsync(Wait.DefaultTimeout);

    /// <returns>The next text message, or null when the client closed the websocket.</returns>
    public async Task<string?> ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _server.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(Wait.DefaultTimeout);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }

    public Task AnswerCloseAsync() =>
        _server.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(Wait.DefaultTimeout);

    public async ValueTask DisposeAsync()
    {
        _server.Abort();
        _client.Abort();
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        _server.Dispose();
        _client.Dispose();
        _serverTcp.Dispose();
        _clientTcp.Dispose();
    }
}
