using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Wegent.Executor.Protocol;

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
