using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

/// <summary>Reads what a payload writer writes into a JSON tree (for channels that keep or inspect payloads).</summary>
public static class WrittenJson
{
    public static JsonNode ToNode(Action<Utf8JsonWriter> writePayload)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writePayload(writer);
        }

        return JsonNode.Parse(buffer.WrittenSpan) ?? throw new InvalidOperationException("The payload writer wrote JSON null.");
    }
}
