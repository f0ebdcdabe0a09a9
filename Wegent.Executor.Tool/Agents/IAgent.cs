namespace Wegent.Executor.Agents;

/// <summary>Runs one prompt to its end. Knows nothing of Socket.IO: it reports through <see cref="IAgentObserver"/>.</summary>
public interface IAgent
{
    /// <summary>Cancelling the token interrupts the agent (grace period, then the whole process tree is killed);
    /// the returned outcome then has <see cref="AgentOutcomeStatus.Cancelled"/>.</summary>
    Task<AgentOutcome> RunAsync(AgentRequest request, IAgentObserver observer, CancellationToken cancellationToken);
}

public sealed record AgentRequest
{
    public required long TaskId { get; init; }
    public required long SubtaskId { get; init; }
    public required string Prompt { get; init; }
    public required string WorkingDirectory { get; init; }
    /// <summary>The task's own folder (<c>{root}/{task_id}</c>): what a sandboxed agent may write.</summary>
    public string? TaskDirectory { get; init; }
    /// <summary>The agent's own config directory (CLAUDE_CONFIG_DIR).</summary>
    public required string ConfigDirectory { get; init; }
    /// <summary>Variables added to (value) or removed from (null) the executor's environment for the child.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
    public string? SystemPrompt { get; init; }
    /// <summary>A file for <c>--mcp-config</c>, when the task names MCP servers.</summary>
    public string? McpConfigPath { get; init; }
    public string? ResumeSessionId { get; init; }
}

public interface IAgentObserver
{
    void OnEvent(AgentEvent agentEvent);
}

public abstract record AgentEvent;

public sealed record AgentSessionStarted(string SessionId, string? Model) : AgentEvent;

/// <summary>Assistant text to append to the result, in arrival order.</summary>
public sealed record AgentTextDelta(string Text) : AgentEvent;

/// <summary>Text of the model's reasoning (extended thinking), in arrival order; not part of the answer.</summary>
public sealed record AgentReasoningDelta(string Text) : AgentEvent;

public sealed record AgentToolUse(string ToolUseId, string ToolName, string InputSummary) : AgentEvent
{
    /// <summary>The input as a JSON object with long values shortened; null when not known.</summary>
    public string? InputJson { get; init; }
}

public sealed record AgentToolResult(string ToolUseId, string OutputSummary, bool IsError) : AgentEvent;

public sealed record AgentApiRetry(int Attempt, string? ErrorStatus) : AgentEvent;

public enum AgentOutcomeStatus
{
    Succeeded,
    Failed,
    Cancelled,
}

public sealed record AgentOutcome(AgentOutcomeStatus Status, string? ResultText, string? ErrorMessage)
{
    public string? SessionId { get; init; }
    public int? NumTurns { get; init; }
    public double? TotalCostUsd { get; init; }
    public long? DurationMs { get; init; }
    /// <summary>The result line's usage object as raw JSON, when present.</summary>
    public string? UsageJson { get; init; }
    /// <summary>Why the model stopped (<c>end_turn</c>, <c>max_tokens</c>, ...), when the agent said.</summary>
    public string? StopReason { get; init; }
    /// <summary>Succeeded on the streamed answer because the CLI's result line never arrived.</summary>
    public bool ResultLineLost { get; init; }
}
