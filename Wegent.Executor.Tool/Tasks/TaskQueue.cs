using Serilog;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Tasks;

/// <summary>Queue and slots: at most N subtasks run at once, and messages of one task always run one after another.</summary>
public sealed class TaskQueue
{
    private readonly int _slots;
    private readonly Func<TaskRequest, RunControl, Task> _run;
    private readonly Action<TaskRequest> _reportDroppedFromQueue;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<TaskRequest> _queue = [];
    private readonly Dictionary<long, ActiveRun> _active = [];
    private bool _stopping;

    /// <param name="reportDroppedFromQueue">Reports a queued subtask that was cancelled before it started.</param>
    public TaskQueue(int slots, Func<TaskRequest, RunControl, Task> run, Action<TaskRequest> reportDroppedFromQueue, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slots);
        _slots = slots;
        _run = run;
        _reportDroppedFromQueue = reportDroppedFromQueue;
        _logger = logger;
    }

    public IReadOnlyList<long> RunningTaskIds
    {
        get
        {
            lock (_gate) return _active.Values.Select(run => run.Request.TaskId).Distinct().Order().ToArray();
        }
    }

    public int QueuedCount
    {
        get
        {
            lock (_gate) return _queue.Count;
        }
    }

    /// <returns>False (with the reason) when the request is not taken.</returns>
    public bool TryEnqueue(TaskRequest request, out string? rejection)
    {
        lock (_gate)
        {
            rejection = _stopping ? "the executor is shutting down"
                : _active.ContainsKey(request.SubtaskId) || _queue.Any(q => q.SubtaskId == request.SubtaskId)
                    ? $"subtask {request.SubtaskId} is already queued or running"
                    : null;
            if (rejection is not null) return false;
            _queue.Add(request);
            _logger.Information("Queued task {TaskId} subtask {SubtaskId} ({Queued} waiting, {Running} running)",
                request.TaskId, request.SubtaskId, _queue.Count, _active.Count);
            StartWhatFits();
            return true;
        }
    }

    /// <returns>How many subtasks the cancel reached (running or queued).</returns>
    public int Cancel(TaskCancelRequest cancel)
    {
        bool Matches(TaskRequest r) => cancel.SubtaskId is { } subtaskId ? r.SubtaskId == subtaskId : r.TaskId == cancel.TaskId;

        List<TaskRequest> dropped;
        lock (_gate)
        {
            dropped = _queue.Where(Matches).ToList();
            _queue.RemoveAll(Matches);
        }

        var running = Stop(Matches, StopReason.CancelledByUser);
        foreach (var request in dropped) _reportDroppedFromQueue(request);
        return running.Count + dropped.Count;
    }

    /// <summary>The backend closed the task's session: a running turn of it stops (its queued messages stay, they are
    /// new turns).</summary>
    /// <returns>Completes when the stopped runs have ended (at once when none ran).</returns>
    public Task CloseSession(long taskId, out int stopped)
    {
        var running = Stop(request => request.TaskId == taskId, StopReason.SessionClosed);
        stopped = running.Count;
        return Task.WhenAll(running.Select(run => run.Completion));
    }

    /// <summary>Takes no more work, stops every run and waits for them to report (or the token to end the wait).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] runs;
        lock (_gate)
        {
            _stopping = true;
            _queue.Clear();
            runs = _active.Values.Select(run => run.Completion).ToArray();
            foreach (var run in _active.Values) run.Control.Stop(StopReason.ExecutorShutdown);
        }

        await Task.WhenAll(runs).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private List<ActiveRun> Stop(Func<TaskRequest, bool> matches, StopReason reason)
    {
        List<ActiveRun> running;
        lock (_gate) running = _active.Values.Where(run => matches(run.Request)).ToList();
        foreach (var run in running) run.Control.Stop(reason);
        return running;
    }

    private void StartWhatFits()
    {
        while (_active.Count < _slots && !_stopping)
        {
            var busyTasks = _active.Values.Select(run => run.Request.TaskId).ToHashSet();
            var next = _queue.FindIndex(request => !busyTasks.Contains(request.TaskId));
            if (next < 0) return;
            var request = _queue[next];
            _queue.RemoveAt(next);
            var control = new RunControl();
            var run = new ActiveRun(request, control);
            _active[request.SubtaskId] = run;
            run.Completion = Task.Run(() => RunAndReleaseAsync(run));
        }
    }

    private async Task RunAndReleaseAsync(ActiveRun run)
    {
        try
        {
            await _run(run.Request, run.Control).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.Error(ex, "Task {TaskId} subtask {SubtaskId} ended with an unexpected error", run.Request.TaskId, run.Request.SubtaskId);
        }
        finally
        {
            lock (_gate)
            {
                _active.Remove(run.Request.SubtaskId);
                StartWhatFits();
            }
        }
    }

    private sealed class ActiveRun(TaskRequest request, RunControl control)
    {
        public TaskRequest Request { get; } = request;
        public RunControl Control { get; } = control;
        public Task Completion { get; set; } = Task.CompletedTask;
    }
}
