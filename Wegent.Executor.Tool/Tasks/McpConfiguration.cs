using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Wegent.Executor.Tasks;

/// <summary>The MCP servers of bot[0] as the file <c>--mcp-config</c> reads: <c>{"mcpServers": {name: server}}</c>, with
/// every <c>${{path}}</c> in a string value replaced by the value at that dotted path of the task payload.</summary>
public static partial class McpConfiguration
{
    public const string FileName = "mcp.json";

    private static readonly string[] WrapperKeys = ["mcpServers", "mcp_servers"];

    /// <summary>Path segments whose values may arrive encrypted (<see cref="TaskSecrets"/>).</summary>
    private static readonly HashSet<string> SecretSegments = ["git_token", "api_key"];

    /// <param name="bot">bot[0] as sent; its servers are under <c>mcp_servers</c> or <c>mcpServers</c>, either the map
    /// itself or the map wrapped once more in either key.</param>
    /// <param name="task">The whole task payload, the source of placeholder values.</param>
    /// <param name="environment">Reads the executor's environment, for the AES key of encrypted secrets.</param>
    /// <returns>The config, or null when the bot names no server.</returns>
    public static JsonObject? Build(JsonObject? bot, JsonObject task, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(environment);
        if (Servers(bot) is not { Count: > 0 } servers) return null;

        var filled = (JsonObject)Fill(servers, task, environment)!;
        return new JsonObject { ["mcpServers"] = filled };
    }

    private static JsonObject? Servers(JsonObject? bot)
    {
        foreach (var key in WrapperKeys)
        {
            if (bot?[key] is not JsonObject outer) continue;
            foreach (var innerKey in WrapperKeys)
            {
                if (outer[innerKey] is JsonObject { Count: > 0 } inner) return inner;
            }

            if (outer.Count > 0) return outer;
        }

        return null;
    }

    private static JsonNode? Fill(JsonNode? node, JsonObject task, Func<string, string?> environment) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(kv => KeyValuePair.Create(kv.Key, Fill(kv.Value, task, environment)))),
        JsonArray array => new JsonArray([.. array.Select(item => Fill(item, task, environment))]),
        JsonValue value when value.GetValueKind() == JsonValueKind.String =>
            JsonValue.Create(FillText(value.GetValue<string>(), task, environment)),
        _ => node?.DeepClone(),
    };

    /// <summary>A placeholder whose path leads nowhere (or to an object) is kept as written, so the mistake is visible.</summary>
    private static string FillText(string text, JsonObject task, Func<string, string?> environment) =>
        Placeholder().Replace(text, match =>
        {
            var path = match.Groups["path"].Value;
            if (Lookup(task, path) is not { } found) return match.Value;
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

        return node is JsonValue value
            ? value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()
            : null;
    }

    [GeneratedRegex(@"\$\{\{\s*(?<path>[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
