namespace Wegent.Executor.Configuration;

/// <summary>Default values of the settings, shared by <see cref="ExecutorOptions"/> and <see cref="KnownSettings"/>.</summary>
public static class SettingDefaults
{
    public const string HomeFolderName = ".wegent-executor";
    public const string LogFileName = "executor.log";
    public const int LogMaxSizeMegabytes = 10;
    public const long BytesPerMegabyte = 1024 * 1024;
    public const long LogMaxFileBytes = LogMaxSizeMegabytes * BytesPerMegabyte;
    public const int LogBackupCount = 5;
    public const ExecutorLogLevel LogLevel = ExecutorLogLevel.Info;
    public const double HeartbeatIntervalSeconds = 30;
    public const double HeartbeatTimeoutSeconds = 90;
    public const double ReconnectDelaySeconds = 1;
    public const double ReconnectMaxDelaySeconds = 30;
    public const bool SkillClearCache = true;
    public const int MaxConcurrentTasks = 1;
    public const int ProgressIntervalMilliseconds = 200;
    public const string ResultProtocol = "auto";
    public const double GracefulShutdownTimeoutSeconds = 10;
    public const string ClaudeCli = "claude";
    public const string PermissionMode = "bypassPermissions";
    public const double AgentIdleTimeoutSeconds = 1800;
    public const int AgentMaxRetries = 2;
    public const double AgentApiTimeoutSeconds = 600;
    public const double GitTimeoutSeconds = 600;
    public const int WorkspaceRetentionDays = 14;
    public const string AgentSandbox = "none";
}
