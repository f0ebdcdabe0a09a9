using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Tasks;

/// <summary>The intake's answers to the backend's calls and its control events, with a recording channel.</summary>
public sealed class TaskIntakeTests : IAsyncDisposable
{
    private readonly RunnerHarness _harness = new(new UnusedAgent());
    private readonly ConcurrentDictionary<long, (RunControl Control, TaskCompletionSource Finish)> _started = new();
    private readonly TaskQueue _queue;
    private readonly TaskIntake _intake;

    public TaskIntakeTests()
    {
        _queue = new TaskQueue(2, (request, control) =>
        {
            var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            control.Token.Register(() => finish.TrySetResult());
            _started[request.SubtaskId] = (control, finish);
            return finish.Task;
        }, _ => { }, _harness.Log.Logger);
        _intake = new TaskIntake(_queue, _harness.Runner, _harness.Channel, "hw-3f9a0c1b2d4e", _harness.Log.Logger);
    }

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    /// <summary>Handles <paramref name="eventName"/> as a call; returns the answer, which must be given before Handle returns.</summary>
    private JsonObject Call(string eventName, JsonNode? payload)
    {
        JsonNode? answer = null;
        var reply = new BackendCallReply(given =>
        {
            answer = given;
            return Task.FromResult(true);
        });

        _intake.Handle(eventName, payload, reply);

        Assert.True(reply.IsAnswered, $"{eventName} was not answered at once");
        return Assert.IsType<JsonObject>(answer);
    }

    private static JsonObject Execute(long taskId, long subtaskId) => new() { ["task_id"] = taskId, ["subtask_id"] = subtaskId, ["prompt"] = "hi" };

    [Fact]
    public void Each_dispatched_subtask_is_told_before_it_is_queued_a_rejected_one_too()
    {
        var told = new List<(long SubtaskId, int TasksInQueue)>();
        var intake = new TaskIntake(_queue, _harness.Runner, _harness.Channel, "dev-1", _harness.Log.Logger,
            subtaskId => told.Add((subtaskId, _queue.RunningTaskIds.Count + _queue.QueuedCount)));

        intake.Handle(KnownEvents.TaskExecute, Execute(1, 7));
        intake.Handle(KnownEvents.ChatMessage, new JsonObject { ["task_id"] = 1, ["subtask_id"] = 8, ["prompt"] = 42 });
        intake.Handle(KnownEvents.TaskExecute, new JsonObject { ["prompt"] = "no ids" });

        Assert.Equal([(7L, 0), (8L, 1)], told);
    }

    [Theory]
    [InlineData("""{"mode":"replace","skills":[],"plugins":[],"mcps":[]}""")]
    [InlineData("""{"mode":"merge"}""")]
    [InlineData("""{"skills":null,"plugins":[],"mcps":null}""")]
    public void Capability_sync_with_nothing_to_install_succeeds_with_empty_lists(string request)
    {
        var answer = Call(KnownDeviceCalls.SyncCapabilities, JsonNode.Parse(request));

        Assert.Equal("""{"success":true,"skills":[],"plugins":[],"mcps":[],"errors":[]}""", answer.ToJsonString());
    }

    [Theory]
    [InlineData("""{"mode":"replace","skills":[{"id":101,"name":"pdf"}],"plugins":[],"mcps":[]}""", 1)]
    [InlineData("""{"mcps":[{"name":"fs"},{"name":"web"}],"plugins":[{"id":1}]}""", 3)]
    [InlineData("""{"skills":"pdf"}""", 1)]
    [InlineData("[]", 1)]
    public void Capability_sync_with_something_to_install_is_refused_as_not_supported(string request, int requested)
    {
        var answer = Call(KnownDeviceCalls.SyncCapabilities, JsonNode.Parse(request));

        Assert.Equal("""{"success":false,"error":"capability sync is not supported by this executor"}""", answer.ToJsonString());
        Assert.Contains(_harness.Log.Lines, line => line.StartsWith($"Warning: The backend asked to install {requested} skill(s)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(KnownDeviceCalls.ExecuteCommand, """{"success":false,"exit_code":null,"stdout":"","stderr":"","duration":0,"timed_out":false,"error":"device commands are not supported by this executor"}""")]
    [InlineData(KnownDeviceCalls.RuntimeRpc, """{"success":false,"code":"runtime_unavailable","error":"Runtime work handler is not available"}""")]
    [InlineData(KnownDeviceCalls.StartTerminalSession, """{"success":false,"error":"terminal and code-server sessions are not supported by this executor"}""")]
    [InlineData(KnownDeviceCalls.StartCodeServerSession, """{"success":false,"error":"terminal and code-server sessions are not supported by this executor"}""")]
    [InlineData(KnownDeviceCalls.TerminalAttach, """{"success":false,"error":"terminal and code-server sessions are not supported by this executor"}""")]
    [InlineData(KnownDeviceCalls.TerminalInput, """{"success":false,"error":"terminal and code-server sessions are not supported by this executor"}""")]
    [InlineData(KnownDeviceCalls.TerminalResize, """{"success":false,"error":"terminal and code-server sessions are not supported by this executor"}""")]
    [InlineData(KnownDeviceCalls.TerminalClose, """{"success":false,"error":"terminal and code-server sessions are not supported by this executor"}""")]
    [InlineData(KnownDeviceCalls.RunExtension, """{"success":false,"message":"Extension handler is not available"}""")]
    public void A_feature_call_this_executor_lacks_gets_its_refusal_at_once(string eventName, string expected)
    {
        var answer = Call(eventName, new JsonObject { ["command"] = "ls", ["session_id"] = "s1" });

        Assert.Equal(expected, answer.ToJsonString());
    }

    [Fact]
    public void An_unknown_call_gets_an_error_and_an_unknown_event_without_a_reply_is_only_noted()
    {
        var answer = Call("device:teleport", new JsonObject());
        _intake.Handle("device:teleport\nINFO - forged line", new JsonObject());

        Assert.False(answer["success"]!.GetValue<bool>());
        Assert.Equal("wegent-executor does not handle 'device:teleport'", answer["error"]!.GetValue<string>());
        Assert.Contains("Debug: Ignored unknown event device:teleport\\nINFO - forged line", _harness.Log.Lines);
        Assert.DoesNotContain(_harness.Log.Lines, line => line.Contains('\n', StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_upgrade_request_is_answered_with_a_skipped_status_naming_the_update_command()
    {
        _intake.Handle(KnownDeviceCalls.Upgrade, new JsonObject { ["force"] = true });

        await Wait.UntilAsync(() => _harness.Channel.Sent.Any(sent => sent.Event == KnownDeviceCalls.UpgradeStatus), "the upgrade status");

        var status = _harness.Channel.Sent.Single(sent => sent.Event == KnownDeviceCalls.UpgradeStatus).Payload;
        Assert.Equal("""{"device_id":"hw-3f9a0c1b2d4e","status":"skipped","message":"dotnet tool update -g wegent-executor"}""", status.ToJsonString());
    }

    [Fact]
    public async Task Closing_a_session_answers_success_stops_its_running_turn_as_session_closed_then_heartbeats()
    {
        _intake.Handle(KnownEvents.TaskExecute, Execute(731, 1502));
        _intake.Handle(KnownEvents.TaskExecute, Execute(800, 1600));
        await Wait.UntilAsync(() => _started.ContainsKey(1502) && _started.ContainsKey(1600), "both turns running");

        var answer = Call(KnownEvents.TaskCloseSession, new JsonObject { ["task_id"] = 731 });

        Assert.Equal("""{"success":true}""", answer.ToJsonString());
        Assert.Equal(StopReason.SessionClosed, _started[1502].Control.Reason);
        Assert.Equal(StopReason.None, _started[1600].Control.Reason);
        await Wait.UntilAsync(() => _harness.Channel.HeartbeatRequests == 1, "a heartbeat once the turn has ended");
        Assert.Equal([800L], _queue.RunningTaskIds);
    }

    [Fact]
    public void Closing_a_session_with_a_bad_payload_answers_an_error()
    {
        var answer = Call(KnownEvents.TaskCloseSession, new JsonObject { ["task_id"] = "seven" });

        Assert.False(answer["success"]!.GetValue<bool>());
        Assert.StartsWith("Invalid payload: task_id", answer["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, _harness.Channel.HeartbeatRequests);
    }

    [Fact]
    public void A_task_error_from_the_backend_is_logged_on_one_line()
    {
        _intake.Handle(KnownEvents.TaskError, new JsonObject { ["task_id"] = 731, ["subtask_id"] = 1502, ["error"] = "Model not found\r\n2026-01-01 - INFO - forged" });

        Assert.Contains(@"Error: The backend could not start task 731 subtask 1502: Model not found\r\n2026-01-01 - INFO - forged", _harness.Log.Lines);
    }

    [Fact]
    public void Events_the_protocol_sends_without_an_ack_are_acknowledged_when_sent_as_calls()
    {
        Assert.Equal("""{"success":true}""", Call(KnownEvents.TaskCancel, new JsonObject { ["task_id"] = 1, ["subtask_id"] = 2 }).ToJsonString());
        Assert.Equal("""{"success":true}""", Call(KnownEvents.TaskError, new JsonObject()).ToJsonString());
    }
}
