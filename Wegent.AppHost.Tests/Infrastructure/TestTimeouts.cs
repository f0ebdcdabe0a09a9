namespace Wegent.AppHost.Tests.Infrastructure;

internal static class TestTimeouts
{
    /// <summary>Longer on CI, where the machine is shared.</summary>
    public static TimeSpan Default { get; } = TimeSpan.FromSeconds(Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ? 60 : 30);

    public static CancellationToken Token() => new CancellationTokenSource(Default).Token;
}
