using Microsoft.Extensions.Time.Testing;
using Wegent.Executor.Connection.SocketIo;

namespace Wegent.Executor.Tests.Connection.SocketIo;

public sealed class PingWatchdogTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public void Fires_once_the_deadline_passes_without_a_ping()
    {
        var time = new FakeTimeProvider();
        var missed = 0;
        using var watchdog = new PingWatchdog(time, Deadline, () => missed++);

        time.Advance(Deadline - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, missed);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, missed);
        time.Advance(Deadline * 3);
        Assert.Equal(1, missed);
    }

    [Fact]
    public void Each_ping_restarts_the_deadline()
    {
        var time = new FakeTimeProvider();
        var missed = 0;
        using var watchdog = new PingWatchdog(time, Deadline, () => missed++);

        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(25));
            watchdog.PingReceived();
        }

        Assert.Equal(0, missed);
        time.Advance(Deadline);
        Assert.Equal(1, missed);
    }

    [Fact]
    public void Disposed_watchdog_never_fires()
    {
        var time = new FakeTimeProvider();
        var missed = 0;
        var watchdog = new PingWatchdog(time, Deadline, () => missed++);

        watchdog.Dispose();
        time.Advance(Deadline * 2);

        Assert.Equal(0, missed);
    }
}
