using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Wegent.Executor.Protocol;

public sealed record Workbench
{
    [JsonPropertyName("taskTitle")] public string TaskTitle { get; init; } = "";
    [JsonPropertyName("taskNumber")] public string TaskNumber { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = KnownWorkbenchStatuses.Running;
    [JsonPropertyName("summary")] public string Summary { get; init; } = "";
    [JsonPropertyName("repository")] public string Repository { get; init; } = "";
    [JsonPropertyName("branch")] public string Branch { get; init; } = "";
    [JsonPropertyName("lastUpdated")] public string LastUpdated { get; init; } = "";
    [JsonPropertyName("file_changes")] public IReadOnlyList<JsonObject> FileChanges { get; init; } = [];
    [JsonPropertyName("git_info")] public JsonObject? GitInfo { get; init; }
}
