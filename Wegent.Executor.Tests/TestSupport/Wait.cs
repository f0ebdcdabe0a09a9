namespace Wegent.Executor.Tests.TestSupport;

/// <summary>Waits on conditions, never on fixed sleeps. Longer on CI, where the machine is shared.</summary>
public static class Wait
{
    public static TimeSpan DefaultTimeout { get; } =
        TimeSpan.FromSeconds(Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ? 30 : 10);

    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (started.Elapsed > limit) throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value.</summary>
    public static async Task<T> ForValueAsync<T>(Func<T?> probe, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (probe() is { } value) return value;
            if (started.Elapsed > limit) throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}");
            await Task.Delay(10);
        }
    }

    public static async Task<T> ForAsync<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        try
        {
            return await task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out waiting for {what}");
        }
    }
}
