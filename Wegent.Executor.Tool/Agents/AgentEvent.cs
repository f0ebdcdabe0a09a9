namespace Wegent.Executor.Agents;

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
