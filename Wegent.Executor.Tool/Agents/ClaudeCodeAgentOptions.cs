using Wegent.Executor.Processes;

namespace Wegent.Executor.Agents;

/// <summary>How <see cref="ClaudeCodeAgent"/> starts, watches and stops the Claude Code CLI.</summary>
public sealed record ClaudeCodeAgentOptions
{
    public const string DefaultCliPath = "claude";
    public const string DefaultPermissionMode = "bypassPermissions";
    /// <summary>The CLI version this executor is tested with (named in the "not found" message; scripts/install-prerequisites
    /// installs it).</summary>
    public const string PinnedCliVersion = "2.1.197";

    /// <summary>The newest CLI version the task tests also run with (scripts/test's second pass; scripts/install-prerequisites
    /// installs it beside the pinned one): users run the newest CLI, and the doctor advises updating an older one.</summary>
    public const string NewestTestedCliVersion = "2.1.332";
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan DefaultInterruptGracePeriod = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultResultExitGracePeriod = TimeSpan.FromSeconds(5);
    public const int DefaultMaxApiRetries = 2;
    public static readonly TimeSpan DefaultApiTimeout = TimeSpan.FromMinutes(10);

    /// <summary>A command name (searched on PATH) or a path to the CLI.</summary>
    public string CliPath { get; init; } = DefaultCliPath;

    public string PermissionMode { get; init; } = DefaultPermissionMode;

    /// <summary>No stdout line for this long stops the run as failed (a long tool run prints nothing, so keep it generous).</summary>
    public TimeSpan IdleTimeout { get; init; } = DefaultIdleTimeout;

    /// <summary>After SIGINT, how long the CLI may take to exit before its whole process tree is killed.</summary>
    public TimeSpan InterruptGracePeriod { get; init; } = DefaultInterruptGracePeriod;

    /// <summary>How long the CLI may take to exit after printing its result line (headless runs are known to hang there).</summary>
    public TimeSpan ResultExitGracePeriod { get; init; } = DefaultResultExitGracePeriod;

    /// <summary>CLAUDE_CODE_MAX_RETRIES for the child unless the environment already sets it; null leaves the CLI's
    /// default (about 10 retries over 3 minutes).</summary>
    public int? MaxApiRetries { get; init; } = DefaultMaxApiRetries;

    /// <summary>API_TIMEOUT_MS for the child unless the environment already sets it: bounds one model request, so a
    /// server that accepts and never answers fails the run; null leaves the CLI's default.</summary>
    public TimeSpan? ApiTimeout { get; init; } = DefaultApiTimeout;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Let the CLI load a repository's own settings (hooks) and .mcp.json servers (LOCAL_TRUST_REPOSITORY_SETTINGS).</summary>
    public bool TrustRepositorySettings { get; init; }

    /// <summary>Run the CLI under bubblewrap, hiding these directories (LOCAL_AGENT_SANDBOX=bwrap); null runs it as it is.</summary>
    public IReadOnlyList<string>? SandboxHiddenDirectories { get; init; }

    /// <summary>Prefix of every run's process marker: the <see cref="OrphanReaper.MarkerPrefix"/> of this executor.</summary>
    public string? MarkerPrefix { get; init; }
}
