using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Tasks;

public class TaskQueueTests
{
    private readonly ConcurrentDictionary<long, (RunControl Control, TaskCompletionSource Finish)> _started = new();
    private readonly ConcurrentQueue<long> _dropped = new();

    private TaskQueue Create(int slots) => new(slots, (request, control) =>
    {
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        control.Token.Register(() => finish.TrySetResult());
        _started[request.SubtaskId] = (control, finish);
        return finish.Task;
    }, request => _dropped.Enqueue(request.SubtaskId), new TestLog().Logger);

    private static TaskRequest Request(long taskId, long subtaskId) =>
        new() { TaskId = taskId, SubtaskId = subtaskId, Prompt = "p", Raw = new JsonObject() };

    [Fact]
    public async Task Runs_no_more_than_the_slots_and_starts_the_next_when_one_ends()
    {
        var queue = Create(slots: 2);
        for (var i = 1; i <= 3; i++) queue.TryEnqueue(Request(i, i * 10), out _);

        await Wait.UntilAsync(() => _started.Count == 2, "two runs");
        Assert.Equal(1, queue.QueuedCount);
        Assert.Equal([1L, 2L], queue.RunningTaskIds);

        _started[10].Finish.SetResult();
        await Wait.UntilAsync(() => _started.ContainsKey(30), "the third run");
        Assert.Equal([2L, 3L], queue.RunningTaskIds);
    }

    [Fact]
    public async Task Messages_of_one_task_run_one_after_another()
    {
        var queue = Create(slots: 4);
        queue.TryEnqueue(Request(1, 10), out _);
        queue.TryEnqueue(Request(1, 11), out _);
        queue.TryEnqueue(Request(2, 20), out _);

        await Wait.UntilAsync(() => _started.ContainsKey(10) && _started.ContainsKey(20), "the first message of each task");
        Assert.False(_started.ContainsKey(11));

        _started[10].Finish.SetResult();
        await Wait.UntilAsync(() => _started.ContainsKey(11), "the follow-up message");
    }

    [Fact]
    public void The_same_subtask_is_not_queued_twice()
    {
        var queue = Create(slots: 1);

        Assert.True(queue.TryEnqueue(Request(1, 10), out _));
        Assert.False(queue.TryEnqueue(Request(1, 10), out var rejection));
        Assert.Contains("already queued or running", rejection, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closing_a_session_stops_its_running_turn_as_session_closed_and_keeps_its_queued_messages()
    {
        var queue = Create(slots: 2);
        queue.TryEnqueue(Request(1, 10), out _);
        queue.TryEnqueue(Request(1, 11), out _);
        queue.TryEnqueue(Request(2, 20), out _);
        await Wait.UntilAsync(() => _started.ContainsKey(10) && _started.ContainsKey(20), "a run of each task");

        var ended = queue.CloseSession(1, out var stopped);
        await ended.WaitAsync(Wait.DefaultTimeout);

        Assert.Equal(1, stopped);
        Assert.Equal(StopReason.SessionClosed, _started[10].Control.Reason);
        Assert.Equal(StopReason.None, _started[20].Control.Reason);
        Assert.Empty(_dropped);
        // The queued message of that task is a new turn: it starts once the stopped one has ended.
        await Wait.UntilAsync(() => _started.ContainsKey(11), "the queued message of the closed task");
        Assert.True(queue.CloseSession(3, out var none).IsCompleted);
        Assert.Equal(0, none);
    }

    [Fact]
    public async Task Cancel_stops_a_running_subtask_and_reports_a_queued_one()
    {
        var queue = Create(slots: 1);
        queue.TryEnqueue(Request(1, 10), out _);
        queue.TryEnqueue(Request(2, 20), out _);
        await Wait.UntilAsync(() => _started.ContainsKey(10), "the first run");

        Assert.Equal(1, queue.Cancel(new TaskCancelRequest(2, 20)));
        Assert.Equal([20L], _dropped);
        Assert.Equal(1, queue.Cancel(new TaskCancelRequest(1, null)));
        Assert.Equal(StopReason.CancelledByUser, _started[10].Control.Reason);
        Assert.Equal(0, queue.Cancel(new TaskCancelRequest(null, 99)));
    }

    [Fact]
    public async Task Stop_stops_every_run_as_a_shutdown_and_takes_no_more_work()
    {
        var queue = Create(slots: 1);
        queue.TryEnqueue(Request(1, 10), out _);
        await Wait.UntilAsync(() => _started.ContainsKey(10), "the run");

        await queue.StopAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout);

        Assert.Equal(StopReason.ExecutorShutdown, _started[10].Control.Reason);
        Assert.False(queue.TryEnqueue(Request(2, 20), out var rejection));
        Assert.Contains("shutting down", rejection, StringComparison.Ordinal);
    }
}
