namespace Wegent.Executor.Configuration;

/// <summary>Every setting of the executor, resolved and validated. Names and defaults live in <see cref="KnownSettings"/>.</summary>
public sealed record ExecutorOptions
{
    public required Uri BackendUrl { get; init; }
    public required string AuthToken { get; init; }
    public required string Home { get; init; }
    public required string WorkspaceRoot { get; init; }
    public required string LogDirectory { get; init; }
    public string LogFileName { get; init; } = SettingDefaults.LogFileName;
    public long LogMaxFileBytes { get; init; } = SettingDefaults.LogMaxFileBytes;
    public int LogBackupCount { get; init; } = SettingDefaults.LogBackupCount;
    public ExecutorLogLevel LogLevel { get; init; } = SettingDefaults.LogLevel;
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(SettingDefaults.HeartbeatIntervalSeconds);
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(SettingDefaults.HeartbeatTimeoutSeconds);
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(SettingDefaults.ReconnectDelaySeconds);
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(SettingDefaults.ReconnectMaxDelaySeconds);
    public string? AnthropicApiKey { get; init; }
    /// <summary>The owner's model endpoint; null: Anthropic's API.</summary>
    public string? AnthropicBaseUrl { get; init; }
    /// <summary>Executor variables a task may use as <c>${NAME}</c> besides ANTHROPIC_* and CLAUDE_*.</summary>
    public IReadOnlySet<string> AgentEnvAllow { get; init; } = new HashSet<string>();
    public string? GitTokenAesKey { get; init; }
    public string? GitTokenAesIv { get; init; }
    public bool SkillClearCache { get; init; } = SettingDefaults.SkillClearCache;
    public int MaxConcurrentTasks { get; init; } = SettingDefaults.MaxConcurrentTasks;
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(SettingDefaults.ProgressIntervalMilliseconds);
    /// <summary>The result style every subtask is reported in; null (auto) detects it per task.</summary>
    public Protocol.ResultProtocol? ResultProtocol { get; init; }
    public TimeSpan GracefulShutdownTimeout { get; init; } = TimeSpan.FromSeconds(SettingDefaults.GracefulShutdownTimeoutSeconds);
    public string ClaudeCliPath { get; init; } = SettingDefaults.ClaudeCli;
    public string PermissionMode { get; init; } = SettingDefaults.PermissionMode;
    public TimeSpan AgentIdleTimeout { get; init; } = TimeSpan.FromSeconds(SettingDefaults.AgentIdleTimeoutSeconds);
    public int AgentMaxRetries { get; init; } = SettingDefaults.AgentMaxRetries;
    public TimeSpan AgentApiTimeout { get; init; } = TimeSpan.FromSeconds(SettingDefaults.AgentApiTimeoutSeconds);
    public TimeSpan GitTimeout { get; init; } = TimeSpan.FromSeconds(SettingDefaults.GitTimeoutSeconds);
    public int WorkspaceRetentionDays { get; init; } = SettingDefaults.WorkspaceRetentionDays;
    public bool TrustRepositorySettings { get; init; }
    /// <summary>none or bwrap (<see cref="KnownSettings.AgentSandbox"/>).</summary>
    public string AgentSandbox { get; init; } = SettingDefaults.AgentSandbox;
    /// <summary>Run the first dispatched task, deliver its result and exit (the --once option; not a config.env setting).</summary>
    public bool RunOnce { get; init; }

    public string LogFilePath => Path.Combine(LogDirectory, LogFileName);
    public string OutboxDirectory => Path.Combine(Home, "outbox");
    public string RunJournalDirectory => Path.Combine(Home, "running");
    public string SkillsCacheDirectory => Path.Combine(Home, "cache", "skills");
    public string DeviceIdFile => Path.Combine(Home, "device_id");
    public string LockFile => Path.Combine(Home, "executor.lock");
    public string ConfigFile => Path.Combine(Home, ConfigEnvFile.FileName);
}
