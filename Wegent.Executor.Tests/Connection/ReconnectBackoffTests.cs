using Wegent.Executor.Connection;

namespace Wegent.Executor.Tests.Connection;

public class ReconnectBackoffTests
{
    [Fact]
    public void Retries_fast_first_then_grows_exponentially_within_jitter_up_to_the_maximum_and_resets()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(42));

        var delays = Enumerable.Range(0, ReconnectBackoff.FastRetries + 8).Select(_ => backoff.Next().TotalSeconds).ToArray();

        for (var i = 0; i < delays.Length; i++)
        {
            var nominal = i < ReconnectBackoff.FastRetries ? 0.5 : Math.Min(30, Math.Pow(2, i - ReconnectBackoff.FastRetries));
            Assert.InRange(delays[i], nominal * 0.8, Math.Min(30, nominal * 1.2));
        }

        backoff.Reset();
        Assert.InRange(backoff.Next().TotalSeconds, 0.4, 0.6);
    }

    [Fact]
    public void Fast_retries_grow_from_a_short_initial_delay_until_the_cap()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), new Random(7));

        var delays = Enumerable.Range(0, 4).Select(_ => backoff.Next().TotalMilliseconds).ToArray();

        double[] nominal = [100, 200, 400, 500];
        for (var i = 0; i < delays.Length; i++) Assert.InRange(delays[i], nominal[i] * 0.8, nominal[i] * 1.2);
    }

    [Fact]
    public void A_3_second_outage_is_retried_at_least_every_600_ms_with_default_settings()
    {
        // Regression guard for the reconnect target (re-registered within 1.5 s after a 3 s outage).
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(3));

        var elapsed = TimeSpan.Zero;
        while (elapsed < TimeSpan.FromSeconds(4))
        {
            var delay = backoff.Next();
            Assert.True(delay <= TimeSpan.FromMilliseconds(600), $"delay {delay} at {elapsed}");
            elapsed += delay;
        }
    }

    [Fact]
    public void Never_exceeds_the_maximum_even_in_the_fast_phase()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(250), new Random(1));

        Assert.All(Enumerable.Range(0, 20).Select(_ => backoff.Next()), delay => Assert.True(delay <= TimeSpan.FromMilliseconds(250)));
    }
}
