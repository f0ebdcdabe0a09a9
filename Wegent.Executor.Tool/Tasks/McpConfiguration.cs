using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Tasks;

/// <summary>A task's MCP servers (<see cref="TaskRequest.McpServers"/>) as the file <c>--mcp-config</c> reads:
/// <c>{"mcpServers": {name: server}}</c>, with every <c>${{path}}</c> in a string value replaced by the value at that dotted
/// path of the task payload.</summary>
public static partial class McpConfiguration
{
    public const string FileName = "mcp.json";

    /// <summary>Path segments whose values may arrive encrypted (<see cref="TaskSecrets"/>).</summary>
    private static readonly HashSet<string> SecretSegments = ["git_token", "api_key"];

    /// <summary>Placeholders of January bots that newer payloads answer under another path (<c>user.user_name</c> is gone).</summary>
    private static readonly Dictionary<string, string[]> Fallbacks = new(StringComparer.Ordinal)
    {
        ["user.user_name"] = ["user.name", "user_name"],
        ["user.name"] = ["user_name"],
    };

    /// <param name="servers">The servers by name, as the task declared them.</param>
    /// <param name="task">The whole task payload, the source of placeholder values.</param>
    /// <param name="environment">Reads the executor's environment, for the AES key of encrypted secrets.</param>
    /// <returns>The config, or null when the task names no server.</returns>
    public static JsonObject? Build(JsonObject? servers, JsonObject task, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(environment);
        if (servers is not { Count: > 0 }) return null;

        var filled = (JsonObject)Fill(servers, task, environment)!;
        return new JsonObject { ["mcpServers"] = filled };
    }

    private static JsonNode? Fill(JsonNode? node, JsonObject task, Func<string, string?> environment) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(kv => KeyValuePair.Create(kv.Key, Fill(kv.Value, task, environment)))),
        JsonArray array => new JsonArray([.. array.Select(item => Fill(item, task, environment))]),
        JsonValue value when value.GetValueKind() == JsonValueKind.String && PayloadReader.TryGetString(value, out var text) =>
            JsonValue.Create(FillText(text, task, environment)),
        _ => node?.DeepClone(),
    };

    /// <summary>A placeholder whose path leads nowhere (or to an object) is kept as written, so the mistake is visible.</summary>
    private static string FillText(string text, JsonObject task, Func<string, string?> environment) =>
        Placeholder().Replace(text, match =>
        {
            var path = match.Groups["path"].Value;
            var found = Lookup(task, path) ?? Fallbacks.GetValueOrDefault(path)?.Select(other => Lookup(task, other)).FirstOrDefault(v => v is not null);
            if (found is null) return match.Value;
            return SecretSegments.Contains(path[(path.LastIndexOf('.') + 1)..]) ? TaskSecrets.Decrypt(found, environment) : found;
        });

    private static string? Lookup(JsonObject task, string path)
    {
        JsonNode? node = task;
        foreach (var segment in path.Split('.'))
        {
            node = node switch
            {
                JsonObject obj => obj[segment],
                JsonArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.Count =>
                    array[index],
                _ => null,
            };
            if (node is null) return null;
        }

        if (node is not JsonValue value) return null;
        if (value.GetValueKind() != JsonValueKind.String) return value.ToJsonString();
        return PayloadReader.TryGetString(value, out var text) ? text : null;
    }

    [GeneratedRegex(@"\$\{\{\s*(?<path>[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
