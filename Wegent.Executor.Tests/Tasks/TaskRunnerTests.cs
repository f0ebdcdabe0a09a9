using System.Text.Json.Nodes;
using Wegent.Executor.Agents;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Tasks;

/// <summary>The one final event of a run, for each way a run can end (a scripted agent, a recording channel).</summary>
public sealed class TaskRunnerTests : IAsyncDisposable
{
    private readonly ScriptedAgent _agent = new();
    private readonly RunnerHarness _harness;

    public TaskRunnerTests() => _harness = new RunnerHarness(_agent);

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static TaskRequest Request() => new() { TaskId = 3, SubtaskId = 30, Prompt = "p", Raw = new JsonObject() };

    private async Task<(string Event, JsonNode Payload)> FinalAsync(RunControl control)
    {
        await _harness.Runner.RunAsync(Request(), control);
        await _harness.Delivery.WhenAllDeliveredAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout);
        return _harness.Channel.Sent.Last();
    }

    [Fact]
    public async Task A_successful_run_completes_with_the_streamed_text()
    {
        _agent.Script = (observer, _) =>
        {
            observer.OnEvent(new AgentTextDelta("Hello"));
            return Task.FromResult(new AgentOutcome(AgentOutcomeStatus.Succeeded, "Hello", null));
        };

        var (eventName, payload) = await FinalAsync(new RunControl());

        Assert.Equal(KnownEvents.TaskComplete, eventName);
        Assert.Equal(KnownStatuses.Completed, payload["status"]!.GetValue<string>());
        Assert.Equal("Hello", payload["result"]!["value"]!.GetValue<string>());
        Assert.Equal(10, _harness.Channel.Sent.First().Payload["progress"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_answer_too_large_for_one_message_fails_openly_with_the_cut_marked()
    {
        _agent.Script = (observer, _) =>
        {
            observer.OnEvent(new AgentTextDelta(new string('a', 1_200_000)));
            return Task.FromResult(new AgentOutcome(AgentOutcomeStatus.Succeeded, "done", null));
        };

        var (_, payload) = await FinalAsync(new RunControl());

        Assert.Equal(KnownStatuses.Failed, payload["status"]!.GetValue<string>());
        Assert.Contains("1,000,000-byte message limit", payload["error_message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("more characters]", payload["result"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(payload.ToJsonString().Length < MessageSizeLimit.BackendMaxMessageBytes);
    }

    [Fact]
    public async Task A_users_cancel_is_one_cancelled_progress_event_and_no_complete()
    {
        var control = new RunControl();
        _agent.Script = async (observer, token) =>
        {
            observer.OnEvent(new AgentTextDelta("partial"));
            control.Stop(StopReason.CancelledByUser);
            await Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default);
            return new AgentOutcome(AgentOutcomeStatus.Cancelled, null, null);
        };

        var (eventName, payload) = await FinalAsync(control);

        Assert.Equal(KnownEvents.TaskProgress, eventName);
        Assert.Equal(KnownStatuses.Cancelled, payload["status"]!.GetValue<string>());
        Assert.Equal(100, payload["progress"]!.GetValue<int>());
        Assert.Equal("partial", payload["result"]!["value"]!.GetValue<string>());
        Assert.DoesNotContain(_harness.Channel.Sent, sent => sent.Event == KnownEvents.TaskComplete);
    }

    [Fact]
    public async Task A_run_stopped_by_shutdown_is_failed_saying_so()
    {
        var control = new RunControl();
        _agent.Script = (_, _) =>
        {
            control.Stop(StopReason.ExecutorShutdown);
            return Task.FromResult(new AgentOutcome(AgentOutcomeStatus.Cancelled, null, null));
        };

        var (eventName, payload) = await FinalAsync(control);

        Assert.Equal(KnownEvents.TaskComplete, eventName);
        Assert.Equal(KnownStatuses.Failed, payload["status"]!.GetValue<string>());
        Assert.Equal(TaskRunner.ShutdownMessage, payload["error_message"]!.GetValue<string>());
    }

    private sealed class ScriptedAgent : IAgent
    {
        public Func<IAgentObserver, CancellationToken, Task<AgentOutcome>> Script { get; set; } =
            (_, _) => Task.FromResult(new AgentOutcome(AgentOutcomeStatus.Succeeded, null, null));

        public Task<AgentOutcome> RunAsync(AgentRequest request, IAgentObserver observer, CancellationToken cancellationToken) =>
            Script(observer, cancellationToken);
    }
}
