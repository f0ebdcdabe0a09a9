using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

public sealed record TaskResult
{
    /// <summary>The accumulated assistant text; it only ever grows by appending.</summary>
    public AnswerText Value { get; init; } = AnswerText.Empty;
    public IReadOnlyList<ThinkingStep> Thinking { get; init; } = [];
    public Workbench Workbench { get; init; } = new();
    public string? SessionId { get; init; }
    public JsonNode? Usage { get; init; }
    public double? TotalCostUsd { get; init; }
    public int? NumTurns { get; init; }
}
