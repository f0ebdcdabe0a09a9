using System.Text.Json.Nodes;
using Wegent.Executor.Agents;
using Wegent.Executor.Protocol;
using Wegent.Executor.Reporting;
using Wegent.Executor.Tasks;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Tasks;

/// <summary>Delivery in the January style: pacing, milestones, the outbox, retries.</summary>
public sealed class ReportDeliveryTests : IDisposable
{
    private readonly DeliveryHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private FakeBackendChannel Channel => _harness.Channel;

    private static TaskRequest Request(long subtaskId) => DeliveryHarness.Request(subtaskId, responses: false);

    private string[] SentValues() =>
        Channel.Payloads(KnownEvents.TaskProgress).Select(p => p["result"]!["value"]!.GetValue<string>()).ToArray();

    private int[] SentProgress() => Channel.Payloads(KnownEvents.TaskProgress).Select(p => p["progress"]!.GetValue<int>()).ToArray();

    private static FinalReport Failure(long subtaskId) =>
        new() { TaskId = 1, SubtaskId = subtaskId, Outcome = FinalOutcome.Failed, ErrorMessage = "broken" };

    [Fact]
    public async Task Sends_at_most_one_snapshot_per_interval_and_always_the_newest()
    {
        Channel.SetReady();
        await using var delivery = _harness.Create();
        var tracker = delivery.Track(Request(2));

        tracker.OnEvent(new AgentTextDelta("a"));
        await Wait.UntilAsync(() => SentValues().Length == 1, "the first snapshot");
        for (var i = 0; i < 49; i++) tracker.OnEvent(new AgentTextDelta("a"));
        await _harness.UntilAsync(() => SentValues().Contains(new string('a', 50)), "the newest snapshot");

        Assert.Equal(["a", new string('a', 50)], SentValues());
    }

    [Fact]
    public async Task Stages_are_sent_in_order_and_never_coalesced_away()
    {
        Channel.SetReady();
        await using var delivery = _harness.Create();
        var tracker = delivery.Track(Request(2));

        delivery.Stage(tracker, RunStage.Started);
        delivery.Stage(tracker, RunStage.AgentStarted);
        tracker.OnEvent(new AgentToolUse("t1", "Read", "{}"));
        await _harness.UntilAsync(() => SentProgress().Length == 3, "three progress events");

        Assert.Equal([10, 60, 65], SentProgress());
        Assert.Equal(["${{thinking.task_started}}", "${{thinking.initialize_agent}}", "${{thinking.initialize_agent}}"],
            Channel.Payloads(KnownEvents.TaskProgress).Select(p => p["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_first_stage_reports_how_long_after_the_tasks_arrival_it_went_out_once_even_when_resent()
    {
        Channel.SetReady();
        var calls = 0;
        Channel.Answer = (_, _) => Interlocked.Increment(ref calls) == 1
            ? throw new TimeoutException("no ack")
            : Task.FromResult<JsonNode?>(new JsonObject { ["success"] = true });
        await using var delivery = _harness.Create();
        var tracker = delivery.Track(Request(2));

        delivery.Stage(tracker, RunStage.Started, TimeProvider.System.GetTimestamp());
        delivery.Stage(tracker, RunStage.AgentStarted);
        await _harness.UntilAsync(() => SentProgress().Length == 3, "the first stage twice (no ack, then acked), then the second");

        Assert.Equal([10, 10, 60], SentProgress());
        var latency = Assert.Single(_harness.Log.Lines, line => line.Contains("First progress of subtask 2 on its way", StringComparison.Ordinal));
        Assert.Matches(@"on its way \d+\.\d{3} ms after the task arrived", latency);
    }

    [Fact]
    public async Task Flushes_the_newest_snapshot_before_the_final_event_at_the_progress_pace_and_clears_the_outbox()
    {
        var sentAt = new List<DateTimeOffset>();
        Channel.Answer = (_, _) =>
        {
            lock (sentAt) sentAt.Add(_harness.Time.GetUtcNow());
            return Task.FromResult<JsonNode?>(new JsonObject { ["success"] = true });
        };
        Channel.SetReady();
        await using var delivery = _harness.Create();
        var tracker = delivery.Track(Request(2));
        tracker.OnEvent(new AgentTextDelta("1"));
        await Wait.UntilAsync(() => SentValues().Length == 1, "the first snapshot");

        tracker.OnEvent(new AgentTextDelta("2"));
        delivery.Finish(tracker.Final(FinalOutcome.Completed, null, null));
        await _harness.DeliveredAsync(delivery);

        Assert.Equal([KnownEvents.TaskProgress, KnownEvents.TaskProgress, KnownEvents.TaskComplete], Channel.EventNames);
        Assert.Equal(["1", "12"], SentValues());
        Assert.True(sentAt[1] - sentAt[0] >= DeliveryHarness.Interval, $"the flush went out {(sentAt[1] - sentAt[0]).TotalMilliseconds} ms after the previous snapshot");
        Assert.Empty(_harness.OutboxFiles);
    }

    [Fact]
    public async Task While_disconnected_keeps_only_the_newest_snapshot_and_sends_it_with_the_final_after_reconnect()
    {
        await using var delivery = _harness.Create();
        var tracker = delivery.Track(Request(2));
        for (var i = 0; i < 20; i++) tracker.OnEvent(new AgentTextDelta("x"));
        delivery.Finish(tracker.Final(FinalOutcome.Completed, null, null));
        Assert.Single(_harness.OutboxFiles);

        Channel.SetReady();
        await _harness.DeliveredAsync(delivery);

        Assert.Equal([new string('x', 20)], SentValues());
        Assert.Equal(KnownEvents.TaskComplete, Channel.Sent.Last().Event);
    }

    [Fact]
    public async Task A_final_event_is_resent_until_acknowledged()
    {
        var refusals = 0;
        Channel.Answer = (_, _) => ++refusals <= 2
            ? Task.FromException<JsonNode?>(new TimeoutException("no ack"))
            : Task.FromResult<JsonNode?>(new JsonObject { ["success"] = true });
        Channel.SetReady();
        await using var delivery = _harness.Create();

        delivery.Finish(Failure(3));
        await _harness.DeliveredAsync(delivery);

        Assert.Equal(3, Channel.Payloads(KnownEvents.TaskComplete).Length);
        Assert.Empty(_harness.OutboxFiles);
    }

    [Theory]
    [InlineData("Subtask not found")]
    [InlineData("Subtask does not belong to this device")]
    public async Task Final_ack_errors_drop_the_event(string error)
    {
        Channel.Answer = (_, _) => Task.FromResult<JsonNode?>(new JsonObject { ["error"] = error });
        Channel.SetReady();
        await using var delivery = _harness.Create();

        delivery.Finish(Failure(4));
        await _harness.DeliveredAsync(delivery);

        Assert.Single(Channel.Sent);
        Assert.Empty(_harness.OutboxFiles);
        Assert.Contains(_harness.Log.Lines, line => line.Contains(error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Final_events_left_by_an_earlier_run_are_delivered_after_a_restart()
    {
        await using (var first = _harness.Create())
        {
            first.Finish(Failure(5));
        }

        Channel.SetReady();
        await using var second = _harness.Create();
        Assert.Equal(1, second.ResumeFromOutbox());
        await _harness.DeliveredAsync(second);

        var (eventName, payload) = Assert.Single(Channel.Sent);
        Assert.Equal(KnownEvents.TaskComplete, eventName);
        Assert.Equal(5, payload["subtask_id"]!.GetValue<long>());
        Assert.Equal("broken", payload["error_message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cancel_report_replaces_the_pending_snapshot()
    {
        await using var delivery = _harness.Create();
        var tracker = delivery.Track(Request(6));
        delivery.Stage(tracker, RunStage.Started);
        tracker.OnEvent(new AgentTextDelta("partial"));
        delivery.Finish(tracker.Final(FinalOutcome.Cancelled, null, null));

        Channel.SetReady();
        await _harness.DeliveredAsync(delivery);

        var (eventName, payload) = Assert.Single(Channel.Sent);
        Assert.Equal(KnownEvents.TaskProgress, eventName);
        Assert.Equal("CANCELLED", payload["status"]!.GetValue<string>());
        Assert.Equal("partial", payload["result"]!["value"]!.GetValue<string>());
    }
}
