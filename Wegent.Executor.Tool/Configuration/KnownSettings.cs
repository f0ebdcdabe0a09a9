using System.Globalization;

namespace Wegent.Executor.Configuration;

/// <summary>Every setting of the executor: environment variable, option, default, documentation. One table, one truth.</summary>
public static class KnownSettings
{
    private const double OneHour = 3600;
    private const double OneDay = 86400;

    public static readonly SettingDefinition ExecutorMode = new()
    {
        EnvironmentVariable = "EXECUTOR_MODE",
        OptionName = "--mode",
        DefaultText = "local",
        Description = "Executor mode; only local is supported.",
        Kind = SettingKind.Choice,
        Choices = ["local"],
    };

    public static readonly SettingDefinition BackendUrl = new()
    {
        EnvironmentVariable = "WEGENT_BACKEND_URL",
        OptionName = "--backend-url",
        Description = "Backend base URL (http:// or https://), e.g. http://localhost:8000. Required.",
        Kind = SettingKind.Url,
        IsRequired = true,
    };

    public static readonly SettingDefinition AuthToken = new()
    {
        EnvironmentVariable = "WEGENT_AUTH_TOKEN",
        OptionName = "--token",
        Description = "Token for the backend: a Wegent login token or a personal API key (wg-...); a leading 'Bearer ' is removed. Required (or a token file). "
            + "On the command line it is visible to every local user: prefer --token-file or config.env.",
        Kind = SettingKind.Text,
        IsSecret = true,
        IsRequired = true,
    };

    public static readonly SettingDefinition AuthTokenFile = new()
    {
        EnvironmentVariable = "WEGENT_AUTH_TOKEN_FILE",
        OptionName = "--token-file",
        Description = "A file holding the backend token, or - to read it from standard input; used unless WEGENT_AUTH_TOKEN is given in the same or a more important place.",
        Kind = SettingKind.Path,
    };

    public static readonly SettingDefinition Home = new()
    {
        EnvironmentVariable = "WEGENT_EXECUTOR_HOME",
        OptionName = "--home",
        DefaultText = "~/" + SettingDefaults.HomeFolderName,
        Description = "Home directory: config.env, device_id, workspace, logs, cache, outbox.",
        Kind = SettingKind.Path,
    };

    public static readonly SettingDefinition WorkspaceRoot = new()
    {
        EnvironmentVariable = "LOCAL_WORKSPACE_ROOT",
        OptionName = "--workspace-root",
        DefaultText = "<home>/workspace",
        Description = "Where task workspaces and repository checkouts are created.",
        Kind = SettingKind.Path,
    };

    public static readonly SettingDefinition LogDirectory = new()
    {
        EnvironmentVariable = "WEGENT_EXECUTOR_LOG_DIR",
        OptionName = "--log-dir",
        DefaultText = "<home>/logs",
        Description = "Log directory.",
        Kind = SettingKind.Path,
    };

    public static readonly SettingDefinition LogFile = new()
    {
        EnvironmentVariable = "WEGENT_EXECUTOR_LOG_FILE",
        OptionName = "--log-file",
        DefaultText = SettingDefaults.LogFileName,
        Description = "Log file name inside the log directory.",
        Kind = SettingKind.Text,
    };

    public static readonly SettingDefinition LogMaxSize = new()
    {
        EnvironmentVariable = "WEGENT_EXECUTOR_LOG_MAX_SIZE",
        OptionName = "--log-max-size",
        DefaultText = Invariant(SettingDefaults.LogMaxSizeMegabytes),
        Description = "Size in MB at which the log file is rotated; decimals allowed (e.g. 0.5).",
        Kind = SettingKind.Megabytes,
        Minimum = 0.001,
        Maximum = 10240,
    };

    public static readonly SettingDefinition LogBackupCount = new()
    {
        EnvironmentVariable = "WEGENT_EXECUTOR_LOG_BACKUP_COUNT",
        OptionName = "--log-backup-count",
        DefaultText = Invariant(SettingDefaults.LogBackupCount),
        Description = "Rotated log files kept (executor.log.1 ... .N); 0 truncates instead.",
        Kind = SettingKind.Integer,
        Minimum = 0,
        Maximum = 100,
    };

    public static readonly SettingDefinition LogLevel = new()
    {
        EnvironmentVariable = "LOG_LEVEL",
        OptionName = "--log-level",
        DefaultText = "INFO",
        Description = "Log level: DEBUG, INFO, WARNING or ERROR.",
        Kind = SettingKind.LogLevel,
    };

    public static readonly SettingDefinition HeartbeatInterval = new()
    {
        EnvironmentVariable = "LOCAL_HEARTBEAT_INTERVAL",
        OptionName = "--heartbeat-interval",
        DefaultText = Invariant(SettingDefaults.HeartbeatIntervalSeconds),
        Description = "Seconds between heartbeats.",
        Kind = SettingKind.Seconds,
        Maximum = OneHour,
    };

    public static readonly SettingDefinition HeartbeatTimeout = new()
    {
        EnvironmentVariable = "LOCAL_HEARTBEAT_TIMEOUT",
        OptionName = "--heartbeat-timeout",
        DefaultText = Invariant(SettingDefaults.HeartbeatTimeoutSeconds),
        Description = "Seconds without a heartbeat answer before reconnecting; must exceed the interval.",
        Kind = SettingKind.Seconds,
        Maximum = OneDay,
    };

    public static readonly SettingDefinition ReconnectDelay = new()
    {
        EnvironmentVariable = "LOCAL_RECONNECT_DELAY",
        OptionName = "--reconnect-delay",
        DefaultText = Invariant(SettingDefaults.ReconnectDelaySeconds),
        Description = "Reconnect delay in seconds after the first quick retries (up to 0.5 s each for about 5 s); doubles up to the maximum.",
        Kind = SettingKind.Seconds,
        Maximum = OneHour,
    };

    public static readonly SettingDefinition ReconnectMaxDelay = new()
    {
        EnvironmentVariable = "LOCAL_RECONNECT_MAX_DELAY",
        OptionName = "--reconnect-max-delay",
        DefaultText = Invariant(SettingDefaults.ReconnectMaxDelaySeconds),
        Description = "Longest reconnect delay in seconds.",
        Kind = SettingKind.Seconds,
        Maximum = OneDay,
    };

    public static readonly SettingDefinition AnthropicApiKey = new()
    {
        EnvironmentVariable = "ANTHROPIC_API_KEY",
        OptionName = "--anthropic-api-key",
        Description = "Anthropic API key used when a task brings no model credential, sent only to ANTHROPIC_BASE_URL (prefer config.env: the command line is visible to other users).",
        Kind = SettingKind.Text,
        IsSecret = true,
    };

    public static readonly SettingDefinition AnthropicBaseUrl = new()
    {
        EnvironmentVariable = "ANTHROPIC_BASE_URL",
        OptionName = "--anthropic-base-url",
        DefaultText = "https://api.anthropic.com",
        Description = "The model endpoint ANTHROPIC_API_KEY is for: the key goes to no other, and a task naming no endpoint uses this one.",
        Kind = SettingKind.Url,
    };

    public static readonly SettingDefinition AgentEnvAllow = new()
    {
        EnvironmentVariable = "LOCAL_AGENT_ENV_ALLOW",
        OptionName = "--agent-env-allow",
        Description = "Comma-separated names of this machine's environment variables a task's model settings may use as ${NAME}, "
            + "besides ANTHROPIC_* and CLAUDE_* (the executor's own settings and secrets never).",
        Kind = SettingKind.Text,
    };

    public static readonly SettingDefinition GitTokenAesKey = new()
    {
        EnvironmentVariable = "GIT_TOKEN_AES_KEY",
        OptionName = "--git-token-aes-key",
        Description = "AES-256 key (32 characters) of the backend's encrypted task secrets (model key, git token); unset, the backend's published default.",
        Kind = SettingKind.Text,
        IsSecret = true,
    };

    public static readonly SettingDefinition GitTokenAesIv = new()
    {
        EnvironmentVariable = "GIT_TOKEN_AES_IV",
        OptionName = "--git-token-aes-iv",
        Description = "AES initialisation vector (16 characters) of the backend's encrypted task secrets; unset, the backend's published default.",
        Kind = SettingKind.Text,
        IsSecret = true,
    };

    public static readonly SettingDefinition SkillClearCache = new()
    {
        EnvironmentVariable = "SKILL_CLEAR_CACHE",
        OptionName = "--skill-clear-cache",
        DefaultText = "true",
        Description = "Download skills again for every task (true) or reuse the cache (false).",
        Kind = SettingKind.Boolean,
    };

    public static readonly SettingDefinition MaxConcurrentTasks = new()
    {
        EnvironmentVariable = "LOCAL_MAX_CONCURRENT_TASKS",
        OptionName = "--max-concurrent-tasks",
        DefaultText = Invariant(SettingDefaults.MaxConcurrentTasks),
        Description = "Tasks run at the same time; others wait in the queue.",
        Kind = SettingKind.Integer,
        Minimum = 1,
        Maximum = 64,
    };

    public static readonly SettingDefinition ProgressInterval = new()
    {
        EnvironmentVariable = "LOCAL_PROGRESS_INTERVAL_MS",
        OptionName = "--progress-interval-ms",
        DefaultText = Invariant(SettingDefaults.ProgressIntervalMilliseconds),
        Description = "Milliseconds between progress updates of a task.",
        Kind = SettingKind.Milliseconds,
        Minimum = 1,
        Maximum = 60000,
    };

    public static readonly SettingDefinition ResultProtocol = new()
    {
        EnvironmentVariable = "WEGENT_RESULT_PROTOCOL",
        OptionName = "--result-protocol",
        DefaultText = SettingDefaults.ResultProtocol,
        Description = "How results are reported: auto (per task, from the backend's generation), legacy (task:progress/task:complete) or responses (Responses-API events).",
        Kind = SettingKind.Choice,
        Choices = [SettingDefaults.ResultProtocol, "legacy", "responses"],
    };

    public static readonly SettingDefinition GracefulShutdownTimeout = new()
    {
        EnvironmentVariable = "GRACEFUL_SHUTDOWN_TIMEOUT",
        OptionName = "--graceful-shutdown-timeout",
        DefaultText = Invariant(SettingDefaults.GracefulShutdownTimeoutSeconds),
        Description = "Seconds allowed for a clean stop after Ctrl-C or SIGTERM.",
        Kind = SettingKind.Seconds,
        Maximum = OneHour,
    };

    public static readonly SettingDefinition ClaudeCli = new()
    {
        EnvironmentVariable = "WEGENT_CLAUDE_CLI",
        OptionName = "--claude-cli",
        DefaultText = SettingDefaults.ClaudeCli,
        Description = "The Claude Code CLI: a command on PATH or a path.",
        Kind = SettingKind.Text,
    };

    public static readonly SettingDefinition PermissionMode = new()
    {
        EnvironmentVariable = "WEGENT_CLAUDE_PERMISSION_MODE",
        OptionName = "--permission-mode",
        DefaultText = SettingDefaults.PermissionMode,
        Description = "Claude Code permission mode.",
        Kind = SettingKind.Choice,
        Choices = ["acceptEdits", "auto", "bypassPermissions", "default", "dontAsk", "plan"],
    };

    public static readonly SettingDefinition AgentIdleTimeout = new()
    {
        EnvironmentVariable = "LOCAL_AGENT_IDLE_TIMEOUT",
        OptionName = "--agent-idle-timeout",
        DefaultText = Invariant(SettingDefaults.AgentIdleTimeoutSeconds),
        Description = "Seconds an agent may stay silent before it is stopped.",
        Kind = SettingKind.Seconds,
        Maximum = 7 * OneDay,
    };

    public static readonly SettingDefinition AgentMaxRetries = new()
    {
        EnvironmentVariable = "LOCAL_AGENT_MAX_RETRIES",
        OptionName = "--agent-max-retries",
        DefaultText = Invariant(SettingDefaults.AgentMaxRetries),
        Description = "Retries of a failed model request (CLAUDE_CODE_MAX_RETRIES), so an API error fails the task in seconds.",
        Kind = SettingKind.Integer,
        Minimum = 0,
        Maximum = 20,
    };

    public static readonly SettingDefinition AgentApiTimeout = new()
    {
        EnvironmentVariable = "LOCAL_AGENT_API_TIMEOUT",
        OptionName = "--agent-api-timeout",
        DefaultText = Invariant(SettingDefaults.AgentApiTimeoutSeconds),
        Description = "Seconds one model request may take (API_TIMEOUT_MS) before it counts as failed.",
        Kind = SettingKind.Seconds,
        Maximum = OneDay,
    };

    public static readonly SettingDefinition GitTimeout = new()
    {
        EnvironmentVariable = "LOCAL_GIT_TIMEOUT",
        OptionName = "--git-timeout",
        DefaultText = Invariant(SettingDefaults.GitTimeoutSeconds),
        Description = "Seconds a git command (clone) may take before it is stopped and the task fails.",
        Kind = SettingKind.Seconds,
        Maximum = OneDay,
    };

    public static readonly SettingDefinition WorkspaceRetentionDays = new()
    {
        EnvironmentVariable = "LOCAL_WORKSPACE_RETENTION_DAYS",
        OptionName = "--workspace-retention-days",
        DefaultText = Invariant(SettingDefaults.WorkspaceRetentionDays),
        Description = "Task workspaces untouched this many days are removed (at start-up and daily; never a running task); 0 keeps them.",
        Kind = SettingKind.Integer,
        Minimum = 0,
        Maximum = 3650,
    };

    public static readonly SettingDefinition TrustRepositorySettings = new()
    {
        EnvironmentVariable = "LOCAL_TRUST_REPOSITORY_SETTINGS",
        OptionName = "--trust-repository-settings",
        DefaultText = "false",
        Description = "Let Claude Code load a task repository's own .claude/settings*.json (hooks) and .mcp.json servers; "
            + "off, only the task's model settings and MCP servers apply.",
        Kind = SettingKind.Boolean,
    };

    public static readonly SettingDefinition AgentSandbox = new()
    {
        EnvironmentVariable = "LOCAL_AGENT_SANDBOX",
        OptionName = "--agent-sandbox",
        DefaultText = "none",
        Description = "Run the agent in a sandbox: bwrap (bubblewrap) hides the executor's home, its other tasks and processes "
            + "and makes the rest of the file system read-only; none runs it as this user.",
        Kind = SettingKind.Choice,
        Choices = ["none", "bwrap"],
    };

    /// <summary>All settings in the order --help lists them. Declared last: static fields initialise in text order.</summary>
    public static readonly IReadOnlyList<SettingDefinition> All =
    [
        ExecutorMode, BackendUrl, AuthToken, AuthTokenFile, Home, WorkspaceRoot, LogDirectory, LogFile, LogMaxSize, LogBackupCount,
        LogLevel, HeartbeatInterval, HeartbeatTimeout, ReconnectDelay, ReconnectMaxDelay, AnthropicApiKey, AnthropicBaseUrl,
        AgentEnvAllow, GitTokenAesKey, GitTokenAesIv,
        SkillClearCache, MaxConcurrentTasks, ProgressInterval, ResultProtocol, GracefulShutdownTimeout, ClaudeCli, PermissionMode,
        AgentIdleTimeout, AgentMaxRetries, AgentApiTimeout, GitTimeout, WorkspaceRetentionDays,
        TrustRepositorySettings, AgentSandbox,
    ];

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
