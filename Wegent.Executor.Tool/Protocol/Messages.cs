using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Wegent.Executor.Protocol;

/// <summary>One step of the "thinking" list shown beside the answer (e.g. one per tool call).</summary>
public sealed record ThinkingStep(string Title, JsonObject? Details = null)
{
    public string NextAction { get; init; } = "continue";
}

public sealed record Workbench
{
    [JsonPropertyName("taskTitle")] public string TaskTitle { get; init; } = "";
    [JsonPropertyName("taskNumber")] public string TaskNumber { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = "running";
    [JsonPropertyName("summary")] public string Summary { get; init; } = "";
    [JsonPropertyName("repository")] public string Repository { get; init; } = "";
    [JsonPropertyName("branch")] public string Branch { get; init; } = "";
    [JsonPropertyName("lastUpdated")] public string LastUpdated { get; init; } = "";
    [JsonPropertyName("file_changes")] public IReadOnlyList<JsonObject> FileChanges { get; init; } = [];
    [JsonPropertyName("git_info")] public JsonObject? GitInfo { get; init; }
}

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

public sealed record TaskProgressMessage
{
    public required long TaskId { get; init; }
    public required long SubtaskId { get; init; }
    public string TaskTitle { get; init; } = "";
    public string SubtaskTitle { get; init; } = "";
    public required int Progress { get; init; }
    public required string Status { get; init; }
    public string Message { get; init; } = "";
    public required TaskResult Result { get; init; }
}

public sealed record TaskCompleteMessage
{
    public required long TaskId { get; init; }
    public required long SubtaskId { get; init; }
    public string TaskTitle { get; init; } = "";
    public string SubtaskTitle { get; init; } = "";
    public required string Status { get; init; }
    public int Progress { get; init; } = 100;
    public required TaskResult Result { get; init; }
    public string? ErrorMessage { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeviceRegistration))]
[JsonSerializable(typeof(DeviceHeartbeat))]
[JsonSerializable(typeof(TaskProgressMessage))]
[JsonSerializable(typeof(TaskCompleteMessage))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;

/// <summary>Turns wire records into the JSON trees the transport sends.</summary>
public static class ProtocolJson
{
    public static JsonNode ToNode(DeviceRegistration value) => Serialize(value, ProtocolJsonContext.Default.DeviceRegistration);
    public static JsonNode ToNode(DeviceHeartbeat value) => Serialize(value, ProtocolJsonContext.Default.DeviceHeartbeat);
    public static JsonNode ToNode(TaskProgressMessage value) => Serialize(value, ProtocolJsonContext.Default.TaskProgressMessage);
    public static JsonNode ToNode(TaskCompleteMessage value) => Serialize(value, ProtocolJsonContext.Default.TaskCompleteMessage);

    /// <summary>Writes a progress message straight into a message being encoded (no tree: snapshots are large and frequent).</summary>
    public static void Write(System.Text.Json.Utf8JsonWriter writer, TaskProgressMessage value) =>
        System.Text.Json.JsonSerializer.Serialize(writer, value, ProtocolJsonContext.Default.TaskProgressMessage);

    private static JsonNode Serialize<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        System.Text.Json.JsonSerializer.SerializeToNode(value, typeInfo)
        ?? throw new InvalidOperationException($"{typeof(T).Name} serialized to null.");
}
