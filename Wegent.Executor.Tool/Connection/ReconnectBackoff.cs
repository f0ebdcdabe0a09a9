namespace Wegent.Executor.Connection;

/// <summary>
/// Exponential backoff with ±20% jitter, so many executors do not reconnect in lockstep after an outage. The first
/// <see cref="FastRetries"/> delays are capped at <see cref="FastRetryCap"/>: most outages are a backend restart of a few
/// seconds, and a 2 s or 4 s step at that moment is what makes a reconnect slow. After the fast phase the delay starts
/// at the initial delay and doubles up to the maximum.
/// </summary>
public sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max, Random random)
{
    /// <summary>With the 1 s default these cover the first ~5 s of an outage.</summary>
    public const int FastRetries = 10;

    public static readonly TimeSpan FastRetryCap = TimeSpan.FromMilliseconds(500);

    private int _failures;

    public TimeSpan Next()
    {
        var failures = _failures++;
        var raw = failures < FastRetries
            ? Math.Min(FastRetryCap.TotalMilliseconds, Grown(failures))
            : Grown(failures - FastRetries);
        var capped = Math.Min(max.TotalMilliseconds, raw);
        var jittered = capped * (0.8 + (0.4 * random.NextDouble()));
        return TimeSpan.FromMilliseconds(Math.Min(max.TotalMilliseconds, jittered));
    }

    public void Reset() => _failures = 0;

    private double Grown(int steps) => initial.TotalMilliseconds * Math.Pow(2, Math.Min(steps, 30));
}
