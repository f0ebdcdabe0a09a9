using Wegent.Executor.Connection;

namespace Wegent.Executor.Tests.Connection;

public class ReconnectBackoffTests
{
    [Fact]
    public void Grows_exponentially_within_jitter_up_to_the_maximum_and_resets()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(42));

        var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next().TotalSeconds).ToArray();

        for (var i = 0; i < delays.Length; i++)
        {
            var nominal = Math.Min(30, Math.Pow(2, i));
            Assert.InRange(delays[i], nominal * 0.8, Math.Min(30, nominal * 1.2));
        }

        backoff.Reset();
        Assert.InRange(backoff.Next().TotalSeconds, 0.8, 1.2);
    }
}
