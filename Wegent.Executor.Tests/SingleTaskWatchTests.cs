using System.Text.Json.Nodes;
using Wegent.Executor.Connection;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;

namespace Wegent.Executor.Tests;

public class SingleTaskWatchTests
{
    private sealed class FakeChannel : IBackendChannel
    {
        public JsonNode? Ack { get; set; } = new JsonObject { ["success"] = true };

        public ResultProtocol? Probed { get; init; }

        public ResultProtocol? ProbedResultProtocol => Probed;

        public Task WaitUntilReadyAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<JsonNode?> CallAsync(string eventName, JsonNode payload, TimeSpan timeout, CancellationToken cancellationToken) => Task.FromResult(Ack);

        public void RequestHeartbeat()
        {
        }
    }

    private static JsonObject Final(long subtaskId, string status) => new() { ["task_id"] = 1, ["subtask_id"] = subtaskId, ["status"] = status };

    private static Task Send(SingleTaskWatch watch, string eventName, JsonObject payload) =>
        watch.CallAsync(eventName, payload, TimeSpan.FromSeconds(1), CancellationToken.None);

    [Fact]
    public async Task Finishes_true_when_the_first_dispatched_subtask_is_delivered_as_COMPLETED()
    {
        var watch = new SingleTaskWatch(new FakeChannel());
        watch.Dispatched(7);

        await Send(watch, "task:progress", Final(7, "RUNNING"));
        Assert.False(watch.Finished.IsCompleted);
        await Send(watch, "task:complete", Final(7, "COMPLETED"));

        Assert.True(await watch.Finished);
    }

    [Fact]
    public async Task Finals_of_other_subtasks_such_as_outbox_resends_are_ignored()
    {
        var watch = new SingleTaskWatch(new FakeChannel());
        await Send(watch, "task:complete", Final(3, "COMPLETED"));
        watch.Dispatched(7);
        watch.Dispatched(8);

        await Send(watch, "task:complete", Final(8, "COMPLETED"));
        Assert.False(watch.Finished.IsCompleted);
        await Send(watch, "task:complete", Final(7, "FAILED"));

        Assert.False(await watch.Finished);
    }

    [Fact]
    public async Task A_completed_result_the_backend_answers_with_an_error_is_not_a_success()
    {
        var watch = new SingleTaskWatch(new FakeChannel { Ack = new JsonObject { ["error"] = "Subtask not found" } });
        watch.Dispatched(7);

        await Send(watch, "task:complete", Final(7, "COMPLETED"));

        Assert.False(await watch.Finished);
    }

    private static JsonObject ResponseEvent(long subtaskId, string type) =>
        new() { ["task_id"] = 1, ["subtask_id"] = subtaskId, ["message_id"] = 2, ["data"] = new JsonObject { ["type"] = type } };

    [Theory]
    [InlineData("response.completed", true)]
    [InlineData("error", false)]
    [InlineData("response.incomplete", false)]
    public async Task A_Responses_API_terminal_event_is_final_and_only_completed_is_a_success(string eventName, bool success)
    {
        var watch = new SingleTaskWatch(new FakeChannel());
        watch.Dispatched(7);

        await Send(watch, "response.output_text.delta", ResponseEvent(7, "response.output_text.delta"));
        Assert.False(watch.Finished.IsCompleted);
        await Send(watch, eventName, ResponseEvent(7, eventName));

        Assert.Equal(success, await watch.Finished);
    }

    [Fact]
    public async Task A_terminal_event_answered_with_an_empty_ack_waits_for_its_resend_in_the_other_style()
    {
        var channel = new FakeChannel { Ack = new JsonObject() };
        var watch = new SingleTaskWatch(channel);
        watch.Dispatched(7);

        await Send(watch, "task:complete", Final(7, "COMPLETED"));
        Assert.False(watch.Finished.IsCompleted);
        channel.Ack = new JsonObject { ["success"] = true };
        await Send(watch, "response.completed", ResponseEvent(7, "response.completed"));

        Assert.True(await watch.Finished);
    }

    [Fact]
    public async Task A_terminal_event_no_style_handles_is_not_a_success()
    {
        var watch = new SingleTaskWatch(new FakeChannel { Ack = null });
        watch.Dispatched(7);

        await Send(watch, "response.completed", ResponseEvent(7, "response.completed"));
        await Send(watch, "task:complete", Final(7, "COMPLETED"));

        Assert.False(await watch.Finished);
    }

    [Fact]
    public void The_probe_verdict_of_the_session_passes_through()
    {
        var watch = new SingleTaskWatch(new FakeChannel { Probed = ResultProtocol.Responses });

        Assert.Equal(ResultProtocol.Responses, watch.ProbedResultProtocol);
    }

    [Fact]
    public async Task A_cancellation_sent_as_progress_is_final_and_not_a_success()
    {
        var watch = new SingleTaskWatch(new FakeChannel());
        watch.Dispatched(7);

        await Send(watch, "task:progress", Final(7, "CANCELLED"));

        Assert.False(await watch.Finished);
    }
}
