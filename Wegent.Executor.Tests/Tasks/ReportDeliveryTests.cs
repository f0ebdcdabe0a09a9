using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Tasks;

public sealed class ReportDeliveryTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("delivery-");
    private readonly FakeBackendChannel _channel = new();
    private readonly TestLog _log = new();

    public void Dispose() => _directory.Delete(recursive: true);

    private ReportDelivery Create(TimeProvider time, TimeSpan? interval = null) =>
        new(_channel, new Outbox(_directory.FullName, _log.Logger),
            new DeliverySettings { ProgressInterval = interval ?? TimeSpan.FromMilliseconds(200), RetryPause = TimeSpan.FromMilliseconds(5) },
            time, _log.Logger);

    private static OutboxEntry Complete(long subtaskId) =>
        new(1, subtaskId, KnownEvents.TaskComplete, new JsonObject { ["subtask_id"] = subtaskId, ["status"] = "COMPLETED" });

    private int[] SentProgress() =>
        _channel.Sent.Where(s => s.Event == KnownEvents.TaskProgress).Select(s => s.Payload["progress"]!.GetValue<int>()).ToArray();

    [Fact]
    public async Task Sends_at_most_one_snapshot_per_interval_and_always_the_newest()
    {
        var time = new FakeTimeProvider();
        _channel.SetReady();
        await using var delivery = Create(time);
        var source = new CountingSource();

        delivery.ProgressChanged(2, source.Next());
        await Wait.UntilAsync(() => SentProgress().Length == 1, "the first snapshot");
        for (var i = 0; i < 49; i++) delivery.ProgressChanged(2, source.Next());
        // Advance in steps: the lane may arm its timer just after any one advance.
        await Wait.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            return SentProgress().Contains(50);
        }, "the newest snapshot");

        Assert.Equal([1, 50], SentProgress());
    }

    [Fact]
    public async Task Milestones_are_sent_in_order_and_never_coalesced_away()
    {
        _channel.SetReady();
        await using var delivery = Create(TimeProvider.System, TimeSpan.FromMilliseconds(20));
        var source = new CountingSource();
        for (var i = 0; i < 5; i++) source.Next();

        delivery.Milestone(new TaskProgressMessage { TaskId = 1, SubtaskId = 2, Progress = 10, Status = KnownStatuses.Running, Result = new TaskResult() });
        delivery.Milestone(new TaskProgressMessage { TaskId = 1, SubtaskId = 2, Progress = 60, Status = KnownStatuses.Running, Result = new TaskResult() });
        delivery.ProgressChanged(2, source.Next());
        await Wait.UntilAsync(() => SentProgress().Length == 3, "three progress events");

        Assert.Equal([10, 60, 6], SentProgress());
    }

    [Fact]
    public async Task The_first_stage_reports_how_long_after_the_tasks_arrival_it_went_out_once_even_when_resent()
    {
        _channel.SetReady();
        var calls = 0;
        _channel.Answer = (_, _) => Interlocked.Increment(ref calls) == 1 ? throw new TimeoutException("no ack") : Task.FromResult<JsonNode?>(null);
        await using var delivery = Create(TimeProvider.System, TimeSpan.FromMilliseconds(20));
        var arrived = TimeProvider.System.GetTimestamp();

        delivery.Milestone(new TaskProgressMessage { TaskId = 1, SubtaskId = 2, Progress = 10, Status = KnownStatuses.Running, Result = new TaskResult() }, arrived);
        delivery.Milestone(new TaskProgressMessage { TaskId = 1, SubtaskId = 2, Progress = 60, Status = KnownStatuses.Running, Result = new TaskResult() });
        await Wait.UntilAsync(() => SentProgress().Length == 3, "the first stage twice (no ack, then acked), then the second");

        var latency = Assert.Single(_log.Lines, line => line.Contains("First progress of subtask 2 on its way", StringComparison.Ordinal));
        Assert.Matches(@"on its way \d+\.\d{3} ms after the task arrived", latency);
    }

    [Fact]
    public async Task Flushes_the_newest_snapshot_before_the_final_event_at_the_progress_pace_and_clears_the_outbox()
    {
        var time = new FakeTimeProvider();
        var sentAt = new List<DateTimeOffset>();
        _channel.Answer = (_, _) =>
        {
            lock (sentAt) sentAt.Add(time.GetUtcNow());
            return Task.FromResult<JsonNode?>(null);
        };
        _channel.SetReady();
        await using var delivery = Create(time);
        var source = new CountingSource();
        delivery.ProgressChanged(2, source.Next());
        await Wait.UntilAsync(() => SentProgress().Length == 1, "the first snapshot");

        delivery.ProgressChanged(2, source.Next());
        delivery.Finish(Complete(2));
        var delivered = delivery.WhenAllDeliveredAsync(CancellationToken.None);
        await Wait.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            return delivered.IsCompleted;
        }, "the flush and the final event");

        Assert.Equal([KnownEvents.TaskProgress, KnownEvents.TaskProgress, KnownEvents.TaskComplete], _channel.Sent.Select(s => s.Event));
        Assert.Equal([1, 2], SentProgress());
        Assert.True(sentAt[1] - sentAt[0] >= TimeSpan.FromMilliseconds(200), $"the flush went out {(sentAt[1] - sentAt[0]).TotalMilliseconds} ms after the previous snapshot");
        Assert.Empty(Directory.GetFiles(_directory.FullName));
    }

    [Fact]
    public async Task While_disconnected_keeps_only_the_newest_snapshot_and_sends_it_with_the_final_after_reconnect()
    {
        await using var delivery = Create(TimeProvider.System, TimeSpan.FromMilliseconds(1));
        var source = new CountingSource();
        for (var i = 0; i < 20; i++) delivery.ProgressChanged(2, source.Next());
        delivery.Finish(Complete(2));
        Assert.Single(Directory.GetFiles(_directory.FullName));

        _channel.SetReady();
        await delivery.WhenAllDeliveredAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout);

        Assert.Equal([20], SentProgress());
        Assert.Equal(KnownEvents.TaskComplete, _channel.Sent.Last().Event);
    }

    [Fact]
    public async Task A_final_event_is_resent_until_acknowledged()
    {
        var refusals = 0;
        _channel.Answer = (_, _) => ++refusals <= 2
            ? Task.FromException<JsonNode?>(new TimeoutException("no ack"))
            : Task.FromResult<JsonNode?>(new JsonObject { ["success"] = true });
        _channel.SetReady();
        await using var delivery = Create(TimeProvider.System);

        delivery.Finish(Complete(3));
        await delivery.WhenAllDeliveredAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout);

        Assert.Equal(3, _channel.Sent.Count(s => s.Event == KnownEvents.TaskComplete));
        Assert.Empty(Directory.GetFiles(_directory.FullName));
    }

    [Theory]
    [InlineData("Subtask not found")]
    [InlineData("Subtask does not belong to this device")]
    public async Task Final_ack_errors_drop_the_event(string error)
    {
        _channel.Answer = (_, _) => Task.FromResult<JsonNode?>(new JsonObject { ["error"] = error });
        _channel.SetReady();
        await using var delivery = Create(TimeProvider.System);

        delivery.Finish(Complete(4));
        await delivery.WhenAllDeliveredAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout);

        Assert.Single(_channel.Sent);
        Assert.Empty(Directory.GetFiles(_directory.FullName));
        Assert.Contains(_log.Lines, line => line.Contains(error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Final_events_left_by_an_earlier_run_are_delivered_after_a_restart()
    {
        await using (var first = Create(TimeProvider.System))
        {
            first.Finish(Complete(5));
        }

        _channel.SetReady();
        await using var second = Create(TimeProvider.System);
        Assert.Equal(1, second.ResumeFromOutbox());
        await second.WhenAllDeliveredAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout);

        var (eventName, payload) = Assert.Single(_channel.Sent);
        Assert.Equal(KnownEvents.TaskComplete, eventName);
        Assert.Equal(5, payload["subtask_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_cancel_report_replaces_the_pending_snapshot()
    {
        await using var delivery = Create(TimeProvider.System);
        delivery.ProgressChanged(6, new CountingSource().Next());
        delivery.Finish(new OutboxEntry(1, 6, KnownEvents.TaskProgress, new JsonObject { ["status"] = "CANCELLED", ["progress"] = 100 }));

        _channel.SetReady();
        await delivery.WhenAllDeliveredAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout);

        var (_, payload) = Assert.Single(_channel.Sent);
        Assert.Equal("CANCELLED", payload["status"]!.GetValue<string>());
    }

    /// <summary>Each Next() returns a source whose snapshot carries a higher progress number.</summary>
    private sealed class CountingSource
    {
        private int _count;

        public IProgressSource Next() => new FixedSnapshot(++_count);

        private sealed class FixedSnapshot(int progress) : IProgressSource
        {
            public TaskProgressMessage Snapshot() => new()
            {
                TaskId = 1,
                SubtaskId = 2,
                Progress = progress,
                Status = KnownStatuses.Running,
                Result = new TaskResult(),
            };
        }
    }
}
