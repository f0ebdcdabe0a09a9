using System.Diagnostics;

namespace Wegent.Testing;

/// <summary>Waits on conditions and tasks, never on fixed sleeps, within one default timeout for every test project:
/// longer on CI, where the machine is shared. Only a failing test ever waits that long.</summary>
public static class Wait
{
    /// <summary>How long a test waits for something it expects, unless it says otherwise.</summary>
    public static TimeSpan DefaultTimeout { get; } =
        TimeSpan.FromSeconds(60 * (Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ? 2 : 1));

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>Polls <paramref name="condition"/> until it holds.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>Polls <paramref name="condition"/> (say, a request to a server) until it holds.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        await ForValueAsync(async () => await condition().ConfigureAwait(false) ? (object)true : null, what, timeout).ConfigureAwait(false);

    /// <summary>Polls <paramref name="probe"/> until it returns a value.</summary>
    public static Task<T> ForValueAsync<T>(Func<T?> probe, string what, TimeSpan? timeout = null) =>
        ForValueAsync(() => Task.FromResult(probe()), what, timeout);

    /// <summary>Polls <paramref name="probe"/> (say, a request to a server) until it returns a value.</summary>
    public static async Task<T> ForValueAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var started = Stopwatch.StartNew();
        while (true)
        {
            if (await probe().ConfigureAwait(false) is { } value) return value;
            if (started.Elapsed > limit) throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}");
            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }
}
