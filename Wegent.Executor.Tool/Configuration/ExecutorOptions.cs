namespace Wegent.Executor.Configuration;

/// <summary>Every setting of the executor, resolved and validated. Names and defaults live in <see cref="KnownSettings"/>.</summary>
public sealed record ExecutorOptions
{
    public required Uri BackendUrl { get; init; }
    public required string AuthToken { get; init; }
    public required string Home { get; init; }
    public required string WorkspaceRoot { get; init; }
    public required string LogDirectory { get; init; }
    public string LogFileName { get; init; } = "executor.log";
    public int LogMaxSizeMegabytes { get; init; } = 10;
    public int LogBackupCount { get; init; } = 5;
    public bool DebugLogging { get; init; }
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(90);
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);
    public string? AnthropicApiKey { get; init; }
    public bool SkillClearCache { get; init; } = true;
    public int MaxConcurrentTasks { get; init; } = 1;
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan GracefulShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public string ClaudeCliPath { get; init; } = "claude";
    public string PermissionMode { get; init; } = "bypassPermissions";
    public TimeSpan AgentIdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    public string LogFilePath => Path.Combine(LogDirectory, LogFileName);
    public string OutboxDirectory => Path.Combine(Home, "outbox");
    public string SkillsCacheDirectory => Path.Combine(Home, "cache", "skills");
    public string DeviceIdFile => Path.Combine(Home, "device_id");
}
