using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

/// <summary>One step of the "thinking" list shown beside the answer (e.g. one per tool call).</summary>
public sealed record ThinkingStep(string Title, JsonObject? Details = null)
{
    public string NextAction { get; init; } = "continue";
}
