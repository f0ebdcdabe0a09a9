namespace Wegent.Executor.Connection;

/// <summary>Exponential backoff with ±20% jitter, so many executors do not reconnect in lockstep after an outage.</summary>
public sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max, Random random)
{
    private int _failures;

    public TimeSpan Next()
    {
        var exponent = Math.Min(_failures, 30);
        _failures++;
        var raw = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, exponent));
        var jittered = raw * (0.8 + (0.4 * random.NextDouble()));
        return TimeSpan.FromMilliseconds(Math.Min(max.TotalMilliseconds, jittered));
    }

    public void Reset() => _failures = 0;
}
