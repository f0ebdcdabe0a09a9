namespace Wegent.Executor.Connection;

/// <summary>How <see cref="ExecutorSession"/> connects, heartbeats and reconnects.</summary>
public sealed record ExecutorSessionOptions
{
    public required Uri BackendUrl { get; init; }
    public required string Token { get; init; }
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(90);
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>LOCAL_MAX_CONCURRENT_TASKS: the heartbeat's capacity limit (clamped to the backend's 1..20).</summary>
    public int MaxConcurrentTasks { get; init; } = 1;

    public Random Random { get; init; } = Random.Shared;

    /// <summary>The troubleshooting text shown on the first of a series of connection failures.</summary>
    public Func<string, string> ConnectionFailureHelp { get; init; } = error => $"Failed to connect to Backend WebSocket: {error}";
}
