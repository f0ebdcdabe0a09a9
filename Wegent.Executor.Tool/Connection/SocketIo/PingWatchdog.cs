namespace Wegent.Executor.Connection.SocketIo;

/// <summary>Declares the connection dead when no server ping arrives within the deadline
/// (Engine.IO v4: pingInterval + pingTimeout). Each ping re-arms it.</summary>
internal sealed class PingWatchdog : IDisposable
{
    private readonly TimeSpan _deadline;
    private readonly ITimer _timer;

    public PingWatchdog(TimeProvider timeProvider, TimeSpan deadline, Action onMissedPing)
    {
        _deadline = deadline;
        _timer = timeProvider.CreateTimer(static state => ((Action)state!)(), onMissedPing, deadline, Timeout.InfiniteTimeSpan);
    }

    public void PingReceived() => _timer.Change(_deadline, Timeout.InfiniteTimeSpan);

    public void Dispose() => _timer.Dispose();
}
