using System.Text.Json.Nodes;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests;

/// <summary>The watch sits between the session and the intake: what the connection layer hands through it must arrive.</summary>
public sealed class SingleTaskWatchForwardingTests : IAsyncDisposable
{
    private readonly RunnerHarness _harness = new(new UnusedAgent());

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public void Calls_reach_the_intake_with_their_reply_and_the_load_and_probe_verdict_pass_through()
    {
        var queue = new TaskQueue(3, (_, control) => Task.Delay(Timeout.Infinite, control.Token), _ => { }, _harness.Log.Logger);
        var watch = new SingleTaskWatch(new ProbedChannel(_harness.Channel));
        var handler = watch.Observing(new TaskIntake(queue, _harness.Runner, watch, "dev-1", _harness.Log.Logger));
        JsonNode? answer = null;

        handler.Handle(KnownDeviceCalls.SyncCapabilities, new JsonObject(), new BackendCallReply(given => Task.FromResult((answer = given) is not null)));

        Assert.True(answer?["success"]?.GetValue<bool>());
        Assert.Equal(queue.QueuedCount, handler.QueuedCount);
        Assert.Equal(ResultProtocol.Responses, watch.ProbedResultProtocol);
    }

    private sealed class ProbedChannel(FakeBackendChannel inner) : IBackendChannel
    {
        public ResultProtocol? ProbedResultProtocol => ResultProtocol.Responses;

        public Task WaitUntilReadyAsync(CancellationToken cancellationToken) => inner.WaitUntilReadyAsync(cancellationToken);

        public Task<JsonNode?> CallAsync(string eventName, JsonNode payload, TimeSpan timeout, CancellationToken cancellationToken) =>
            inner.CallAsync(eventName, payload, timeout, cancellationToken);

        public void RequestHeartbeat() => inner.RequestHeartbeat();
    }
}
