using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Tests.TestSupport;

/// <summary>A scripted Socket.IO session: the test decides how connect and each call are answered.</summary>
public sealed class FakeSocketIoConnection : ISocketIoConnection
{
    private readonly Channel<SocketIoEvent> _events = Channel.CreateUnbounded<SocketIoEvent>();
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Func<CancellationToken, Task> OnConnect { get; set; } = _ => Task.CompletedTask;

    public Func<string, JsonNode?, Task<JsonNode?>> OnCall { get; set; } =
        (_, _) => Task.FromResult<JsonNode?>(new JsonObject { ["success"] = true });

    public ConcurrentQueue<(string Event, JsonNode? Payload)> Calls { get; } = new();

    public bool Disposed { get; private set; }

    public ChannelReader<SocketIoEvent> Events => _events.Reader;

    public Task<string> Closed => _closed.Task;

    public Task ConnectAsync(CancellationToken cancellationToken) => OnConnect(cancellationToken);

    public void ServerEmits(string name, JsonNode? payload) => _events.Writer.TryWrite(new SocketIoEvent(name, payload));

    /// <summary>The server sends <paramref name="name"/> as a call; completes with the client's answer.</summary>
    public Task<JsonNode?> ServerCalls(string name, JsonNode? payload)
    {
        var answer = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _events.Writer.TryWrite(new SocketIoEvent(name, payload, new BackendCallReply(reply => Task.FromResult(answer.TrySetResult(reply)))));
        return answer.Task;
    }

    public void Close(string reason)
    {
        _events.Writer.TryComplete();
        _closed.TrySetResult(reason);
    }

    public Task EmitAsync(string eventName, JsonNode? payload, CancellationToken cancellationToken)
    {
        Calls.Enqueue((eventName, payload));
        return Task.CompletedTask;
    }

    public Task<JsonNode?> CallAsync(string eventName, JsonNode? payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_closed.Task.IsCompleted) return Task.FromException<JsonNode?>(new SocketIoDisconnectedException("closed"));
        Calls.Enqueue((eventName, payload));
        return OnCall(eventName, payload);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        Close("disposed");
        return ValueTask.CompletedTask;
    }
}

public sealed class FakeSocketIoFactory(Func<int, FakeSocketIoConnection> next) : ISocketIoConnectionFactory
{
    private readonly List<FakeSocketIoConnection> _created = [];

    public SocketIoConnectionOptions? LastOptions { get; private set; }

    public IReadOnlyList<FakeSocketIoConnection> Created
    {
        get
        {
            lock (_created) return _created.ToArray();
        }
    }

    public ISocketIoConnection Create(SocketIoConnectionOptions options)
    {
        LastOptions = options;
        lock (_created)
        {
            var connection = next(_created.Count);
            _created.Add(connection);
            return connection;
        }
    }
}
