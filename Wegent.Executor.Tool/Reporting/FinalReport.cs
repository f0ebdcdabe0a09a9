using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Reporting;

/// <summary>How a subtask ended, in no generation's words.</summary>
public enum FinalOutcome
{
    Completed,
    Failed,

    /// <summary>The user cancelled it (running or still queued).</summary>
    Cancelled,

    /// <summary>The backend closed the task's session (<c>task:close-session</c>) while the turn was running.</summary>
    SessionClosed,
}

/// <summary>The one final report of a subtask, in no generation's words: what the outbox keeps until the backend
/// acknowledges it, so it can be rendered in either style when it is (re)sent.</summary>
public sealed record FinalReport
{
    public required long TaskId { get; init; }
    public required long SubtaskId { get; init; }

    /// <summary>The payload's <c>message_id</c>, echoed by Responses-API events.</summary>
    public long? MessageId { get; init; }

    /// <summary>The generation of the <c>task:execute</c> payload this answers; null when unknown (e.g. a run an
    /// earlier executor version was running when it died).</summary>
    public ResultProtocol? Generation { get; init; }

    public required FinalOutcome Outcome { get; init; }

    /// <summary>Why it failed, in the agent's (or the executor's) own words.</summary>
    public string? ErrorMessage { get; init; }
    public string TaskTitle { get; init; } = "";
    public string SubtaskTitle { get; init; } = "";

    /// <summary>What the run produced; null for a subtask that never ran (a rejected payload, an interrupted run).</summary>
    public RunResult? Run { get; init; }

    /// <summary>A final an earlier executor version wrote to the outbox as a ready <c>task:complete</c> or cancelling
    /// <c>task:progress</c>: the January style sends it as it is.</summary>
    public WrittenFinal? Written { get; init; }
}

/// <summary>What a run produced, for its final report.</summary>
public sealed record RunResult
{
    public AnswerText Text { get; init; } = AnswerText.Empty;
    public IReadOnlyList<RunStep> Steps { get; init; } = [];
    public string? Repository { get; init; }
    public string? Branch { get; init; }
    public IReadOnlyList<JsonObject> FileChanges { get; init; } = [];
    public JsonObject? GitInfo { get; init; }

    /// <summary>When the run ended, ISO 8601 (the January workbench's <c>lastUpdated</c>).</summary>
    public string FinishedAt { get; init; } = "";

    /// <summary>Unix seconds when the run began (the Responses-API <c>created_at</c>).</summary>
    public long StartedAt { get; init; }
    public string? Model { get; init; }
    public string? SessionId { get; init; }
    public JsonNode? Usage { get; init; }
    public double? TotalCostUsd { get; init; }
    public int? NumTurns { get; init; }

    /// <summary>Why the model stopped (the Responses-API <c>stop_reason</c>); null when the agent did not say.</summary>
    public string? StopReason { get; init; }
}

public sealed record WrittenFinal(string EventName, JsonNode Payload);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(FinalReport))]
internal sealed partial class ReportingJsonContext : JsonSerializerContext;

/// <summary>Reads and writes <see cref="FinalReport"/> for the outbox.</summary>
public static class FinalReportJson
{
    public static void Write(Utf8JsonWriter writer, FinalReport report) =>
        JsonSerializer.Serialize(writer, report, ReportingJsonContext.Default.FinalReport);

    /// <exception cref="JsonException">The node is not a final report.</exception>
    public static FinalReport Read(JsonNode node) =>
        node.Deserialize(ReportingJsonContext.Default.FinalReport) ?? throw new JsonException("the report is null");
}
