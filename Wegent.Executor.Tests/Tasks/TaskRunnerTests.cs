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

    private static TaskRequest Request(bool responses = false) =>
        new() { TaskId = 3, SubtaskId = 30, Prompt = "p", Raw = new JsonObject(), FromResponsesApiBackend = responses, MessageId = responses ? 2 : null };

    private async Task<(string Event, JsonNode Payload)> FinalAsync(RunControl control, bool responses = false)
    {
        await _harness.Runner.RunAsync(Request(responses), control);
        return await DeliveredFinalAsync();
    }

    private async Task<(string Event, JsonNode Payload)> DeliveredFinalAsync()
    {
        await _harness.Delivery.WhenAllDeliveredAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout);
        return _harness.Channel.Sent.Last();
    }

    private void AgentStopsWith(RunControl control, StopReason reason, string partial = "partial") =>
        _agent.Script = async (observer, token) =>
        {
            observer.OnEvent(new AgentTextDelta(partial));
            control.Stop(reason);
            await Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default);
            return new AgentOutcome(AgentOutcomeStatus.Cancelled, null, null);
        };

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
        AgentStopsWith(control, StopReason.CancelledByUser);

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

    [Fact]
    public async Task Responses_a_successful_run_is_created_streamed_and_completed()
    {
        _agent.Script = (observer, _) =>
        {
            observer.OnEvent(new AgentTextDelta("Hello"));
            return Task.FromResult(new AgentOutcome(AgentOutcomeStatus.Succeeded, "Hello", null));
        };

        var (eventName, payload) = await FinalAsync(new RunControl(), responses: true);

        Assert.Equal(KnownResponseEvents.Completed, eventName);
        Assert.Equal(KnownResponseEvents.Created, _harness.Channel.Sent.First().Event);
        Assert.Equal("Hello", string.Concat(_harness.Channel.Payloads(KnownResponseEvents.OutputTextDelta).Select(p => p["data"]!["delta"]!.GetValue<string>())));
        Assert.Equal(2, payload["message_id"]!.GetValue<long>());
        Assert.DoesNotContain(_harness.Channel.Sent, sent => sent.Event.StartsWith("task:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Responses_a_failure_is_one_error_event_in_the_agents_words_after_its_text()
    {
        _agent.Script = (observer, _) =>
        {
            observer.OnEvent(new AgentTextDelta("half"));
            return Task.FromResult(new AgentOutcome(AgentOutcomeStatus.Failed, null, "API Error: 500 upstream"));
        };

        var (eventName, payload) = await FinalAsync(new RunControl(), responses: true);

        Assert.Equal(KnownResponseEvents.Error, eventName);
        Assert.Equal(("runtime_error", "API Error: 500 upstream"), (payload["data"]!["code"]!.GetValue<string>(), payload["data"]!["message"]!.GetValue<string>()));
        Assert.Equal(KnownResponseEvents.OutputTextDelta, _harness.Channel.Sent.Reverse().Skip(1).First().Event);
        Assert.Single(_harness.Channel.Sent, sent => KnownResponseEvents.IsTerminal(sent.Event));
        Assert.DoesNotContain(_harness.Channel.Sent, sent => sent.Event is "response.failed" or KnownResponseEvents.Incomplete);
    }

    [Fact]
    public async Task Responses_a_users_cancel_is_response_incomplete_after_the_text_so_far()
    {
        var control = new RunControl();
        AgentStopsWith(control, StopReason.CancelledByUser);

        var (eventName, payload) = await FinalAsync(control, responses: true);

        Assert.Equal(KnownResponseEvents.Incomplete, eventName);
        Assert.Equal("Task cancelled", payload["data"]!["response"]!["error"]!["message"]!.GetValue<string>());
        Assert.Equal("partial", _harness.Channel.Payloads(KnownResponseEvents.OutputTextDelta).Single()["data"]!["delta"]!.GetValue<string>());
    }

    [Fact]
    public async Task Responses_a_run_stopped_by_shutdown_is_an_error_saying_so_never_a_cancel()
    {
        var control = new RunControl();
        AgentStopsWith(control, StopReason.ExecutorShutdown);

        var (eventName, payload) = await FinalAsync(control, responses: true);

        Assert.Equal(KnownResponseEvents.Error, eventName);
        Assert.Equal(TaskRunner.ShutdownMessage, payload["data"]!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true, "response.incomplete")]
    [InlineData(false, "task:progress")]
    public async Task A_run_whose_session_the_backend_closed_ends_as_a_cancel(bool responses, string expected)
    {
        var control = new RunControl();
        AgentStopsWith(control, StopReason.SessionClosed);

        var (eventName, payload) = await FinalAsync(control, responses);

        Assert.Equal(expected, eventName);
        if (responses) Assert.Equal("Task session closed", payload["data"]!["response"]!["error"]!["message"]!.GetValue<string>());
        else Assert.Equal(KnownStatuses.Cancelled, payload["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true, "response.incomplete")]
    [InlineData(false, "task:progress")]
    public async Task A_queued_task_that_is_cancelled_is_still_answered_as_cancelled(bool responses, string expected)
    {
        _harness.Runner.ReportCancelledBeforeStart(Request(responses));

        var (eventName, _) = await DeliveredFinalAsync();

        Assert.Equal(expected, Assert.Single(_harness.Channel.Sent).Event);
        Assert.Equal(expected, eventName);
    }

    [Fact]
    public async Task A_rejected_payload_of_a_newer_backend_is_an_error_with_its_message_id()
    {
        _harness.Runner.ReportRejected(3, 31, "Invalid task payload: prompt is missing", JsonNode.Parse("""{"model_config":null,"message_id":5}""")!.AsObject());

        var (eventName, payload) = await DeliveredFinalAsync();

        Assert.Equal(KnownResponseEvents.Error, eventName);
        Assert.Equal((31L, 5L), (payload["subtask_id"]!.GetValue<long>(), payload["message_id"]!.GetValue<long>()));
        Assert.Equal("Invalid task payload: prompt is missing", payload["data"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_run_interrupted_by_a_restart_is_reported_failed_in_its_generations_style()
    {
        _harness.Runner.ReportInterrupted(new InterruptedRun(3, 32, "T", "S") { Generation = ResultProtocol.Responses, MessageId = 6 });

        var (eventName, payload) = await DeliveredFinalAsync();

        Assert.Equal(KnownResponseEvents.Error, eventName);
        Assert.Equal(TaskRunner.InterruptedMessage, payload["data"]!["message"]!.GetValue<string>());
    }

    private sealed class ScriptedAgent : IAgent
    {
        public Func<IAgentObserver, CancellationToken, Task<AgentOutcome>> Script { get; set; } =
            (_, _) => Task.FromResult(new AgentOutcome(AgentOutcomeStatus.Succeeded, null, null));

        public Task<AgentOutcome> RunAsync(AgentRequest request, IAgentObserver observer, CancellationToken cancellationToken) =>
            Script(observer, cancellationToken);
    }
}
