namespace Wegent.Executor.Tasks;

public enum StopReason
{
    None,
    CancelledByUser,
    ExecutorShutdown,
    /// <summary>The backend closed the task's session (<c>task:close-session</c>) while a turn was running.</summary>
    SessionClosed,
}

/// <summary>Cancellation of one run, remembering why it was stopped (a user's cancel and a shutdown report differently).
/// Never disposed: its token source has no timer, and a late Stop must stay harmless.</summary>
public sealed class RunControl
{
    private readonly CancellationTokenSource _cancellation = new();
    private int _reason;

    public CancellationToken Token => _cancellation.Token;

    public StopReason Reason => (StopReason)Volatile.Read(ref _reason);

    public void Stop(StopReason reason)
    {
        Interlocked.CompareExchange(ref _reason, (int)reason, (int)StopReason.None);
        _cancellation.Cancel();
    }

}
