namespace Wegent.Executor.Agents;

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
