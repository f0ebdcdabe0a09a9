using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;

namespace Wegent.Executor.Tests.TestSupport;

/// <summary>Records what the task layer sends; its readiness and ack answers are set by the test.</summary>
public sealed class FakeBackendChannel : IBackendChannel
{
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<(string Event, JsonNode Payload)> Sent { get; } = new();

    public Func<string, JsonNode, Task<JsonNode?>> Answer { get; set; } =
        (_, _) => Task.FromResult<JsonNode?>(new JsonObject { ["success"] = true });

    public int HeartbeatRequests { get; private set; }

    public ResultProtocol? ProbedResultProtocol { get; set; }

    /// <summary>The events sent with this name, in order.</summary>
    public JsonNode[] Payloads(string eventName) => Sent.Where(s => s.Event == eventName).Select(s => s.Payload).ToArray();

    public string[] EventNames => Sent.Select(s => s.Event).ToArray();

    public void SetReady() => _ready.TrySetResult();

    public void SetNotReady()
    {
        if (_ready.Task.IsCompleted) _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public Task WaitUntilReadyAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    public Task<JsonNode?> CallAsync(string eventName, JsonNode payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_ready.Task.IsCompleted) return Task.FromException<JsonNode?>(new SocketIoDisconnectedException("not ready"));
        Sent.Enqueue((eventName, payload));
        return Answer(eventName, payload);
    }

    public void RequestHeartbeat() => HeartbeatRequests++;
}
