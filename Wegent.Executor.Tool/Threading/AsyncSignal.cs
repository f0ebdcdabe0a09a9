namespace Wegent.Executor.Threading;

/// <summary>A wake-up flag for one waiting loop. The loop resets it before reading its state, so a Set is never lost.</summary>
internal sealed class AsyncSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _set = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set()
    {
        lock (_gate) _set.TrySetResult();
    }

    public void Reset()
    {
        lock (_gate)
        {
            if (_set.Task.IsCompleted) _set = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Waits for a Set, or at most <paramref name="timeout"/> when given.</summary>
    public async Task WaitAsync(TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Task waiting;
        lock (_gate) waiting = _set.Task;
        try
        {
            await (timeout is { } t ? waiting.WaitAsync(t, time, cancellationToken) : waiting.WaitAsync(cancellationToken))
                .ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }
}
