namespace Wegent.E2E.Infrastructure;

/// <summary>Waits for a condition about the outside world (processes, files), polling, within the suite's timeout.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TestEnvironment.DefaultTimeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
