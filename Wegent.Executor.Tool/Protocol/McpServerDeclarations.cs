using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

/// <summary>Reads a task's MCP servers into one map, name → server, as Claude Code's <c>mcpServers</c> takes them:
/// <c>bot[0].mcp_servers</c> as the January backend sends it (the map, or the map wrapped once in <c>mcpServers</c> /
/// <c>mcp_servers</c>) or as newer backends send it (a list of <c>{"name", "type", "url", "headers"?, "command"?, "args"?,
/// "env"?}</c>), then the top-level <c>mcp_servers</c> list (which names its headers <c>auth</c>) for names bot[0] does not
/// have: bot[0]'s entries are the ones the backend prepared for Claude Code.</summary>
internal static class McpServerDeclarations
{
    private static readonly string[] BotKeys = ["mcp_servers", "mcpServers"];

    /// <returns>The servers, or null when the task names none.</returns>
    public static JsonObject? Read(JsonObject payload, JsonObject? bot, PayloadReader reader)
    {
        var servers = new JsonObject();
        if (bot is not null)
        {
            var key = BotKeys.FirstOrDefault(k => bot[k] is not null) ?? BotKeys[0];
            Add(bot[key], "bot[0]." + key, servers, reader);
        }

        Add(payload["mcp_servers"], "mcp_servers", servers, reader);
        return servers.Count > 0 ? servers : null;
    }

    private static void Add(JsonNode? declared, string path, JsonObject servers, PayloadReader reader)
    {
        switch (declared)
        {
            case null:
                return;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++) AddListEntry(list[i], $"{path}[{i}]", servers, reader);
                return;
            case JsonObject map:
                var (inner, innerPath) = Unwrapped(map, path);
                foreach (var (name, server) in inner) AddServer(name, server, $"{innerPath}.{PayloadReader.Key(name)}", servers, reader);
                return;
            default:
                reader.Error(path, declared, "a list of servers or a map of them");
                return;
        }
    }

    private static (JsonObject Map, string Path) Unwrapped(JsonObject map, string path)
    {
        foreach (var key in BotKeys)
        {
            if (map[key] is JsonObject inner && (inner.Count > 0 || map.Count == 1)) return (inner, $"{path}.{key}");
        }

        return (map, path);
    }

    private static void AddListEntry(JsonNode? entry, string path, JsonObject servers, PayloadReader reader)
    {
        if (entry is null) return;
        if (entry is not JsonObject server)
        {
            reader.Error(path, entry, "a server ({\"name\", \"type\", \"url\", ...})");
            return;
        }

        var name = reader.String(server, "name", path + ".name");
        if (string.IsNullOrWhiteSpace(name))
        {
            // A name of the wrong type is already reported by the read.
            if (server["name"] is null) reader.Missing(path + ".name", "the server's name");
            else if (name is not null) reader.Error(path + ".name", server["name"], "the server's name");
            return;
        }

        var config = new JsonObject(server.Where(kv => kv.Key != "name").Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        if (config["headers"] is null && config["auth"] is JsonObject auth)
        {
            config.Remove("auth");
            config["headers"] = auth;
        }

        AddServer(name.Trim(), config, path, servers, reader);
    }

    private static void AddServer(string name, JsonNode? server, string path, JsonObject servers, PayloadReader reader)
    {
        if (server is null) return;
        if (server is not JsonObject config)
        {
            reader.Error(path, server, "a server object");
            return;
        }

        if (servers.ContainsKey(name)) return;
        config = config.Parent is null ? config : (JsonObject)config.DeepClone();
        if (config["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String
            && PayloadReader.TryGetString(type, out var text) && text.Replace('_', '-').Equals("streamable-http", StringComparison.OrdinalIgnoreCase))
        {
            config["type"] = "http";
        }

        servers[name] = config;
    }
}
