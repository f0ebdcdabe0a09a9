namespace Wegent.Executor.Tests.Connection.SocketIo;

/// <summary>How long a test waits for something that should happen; generous, longer on CI machines.</summary>
internal static class TestTimeouts
{
    public static TimeSpan Default { get; } =
        TimeSpan.FromSeconds(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")) ? 10 : 30);
}
