namespace Wegent.Executor.Agents;

/// <summary>The CLI's final <c>result</c> line. <see cref="IsError"/> decides, not <see cref="Subtype"/>:
/// an API failure arrives as subtype "success" with is_error true.</summary>
internal sealed record ClaudeCodeResult(bool IsError, string? Subtype, string? Text)
{
    public string? SessionId { get; init; }
    public int? NumTurns { get; init; }
    public long? DurationMs { get; init; }
    public double? TotalCostUsd { get; init; }
    public string? UsageJson { get; init; }
    public string? StopReason { get; init; }
    public int PermissionDenials { get; init; }
}
