using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

/// <summary>Outcome of reading a payload from the backend: either a value, or an error a user can act on.</summary>
public sealed record ParseResult<T>(T? Value, string? Error, long? TaskId, long? SubtaskId)
    where T : class
{
    public bool IsValid => Value is not null;
}

/// <summary>Reads backend payloads defensively: every key may be missing, null or of the wrong type.</summary>
public static class TaskPayloadParser
{
    public const int MaxPromptLength = 1_000_000;
    public const int MaxTitleLength = 1_000;

    public static ParseResult<TaskRequest> ParseExecute(JsonNode? payload)
    {
        if (payload is not JsonObject obj)
        {
            return new(null, $"the task payload must be a JSON object, got {Describe(payload)}", null, null);
        }

        var taskId = ReadId(obj, "task_id", out var taskIdError);
        var subtaskId = ReadId(obj, "subtask_id", out var subtaskIdError);
        ParseResult<TaskRequest> Fail(string error) => new(null, error, taskId, subtaskId);

        if (subtaskIdError is not null) return Fail(subtaskIdError);
        if (taskIdError is not null) return Fail(taskIdError);

        if (!TryReadString(obj, "prompt", out var prompt, out var promptError)) return Fail(promptError);
        if (prompt is null) return Fail("prompt is missing: expected the text to send to the agent");
        if (prompt.Length > MaxPromptLength) return Fail($"prompt is {prompt.Length} characters, over the {MaxPromptLength} limit");

        var errors = new List<string>();
        string? Optional(string key)
        {
            if (TryReadString(obj, key, out var value, out var error)) return value;
            errors.Add(error);
            return null;
        }

        var request = new TaskRequest
        {
            TaskId = taskId!.Value,
            SubtaskId = subtaskId!.Value,
            Prompt = prompt,
            TaskTitle = Truncate(Optional("task_title") ?? ""),
            SubtaskTitle = Truncate(Optional("subtask_title") ?? ""),
            GitUrl = NullIfBlank(Optional("git_url")),
            GitRepo = NullIfBlank(Optional("git_repo")),
            BranchName = NullIfBlank(Optional("branch_name")),
            AuthToken = NullIfBlank(Optional("auth_token")),
            NewSession = ReadBool(obj, "new_session", errors),
            Bot = ReadBot(obj, errors),
            MessageId = ReadOptionalId(obj, "message_id", errors),
            ModelConfig = ReadOptionalObject(obj, "model_config", errors),
            FromResponsesApiBackend = ResultProtocols.OfPayload(obj) == ResultProtocol.Responses,
            Raw = obj,
        };
        return errors.Count > 0 ? Fail(string.Join("; ", errors)) : new(request, null, taskId, subtaskId);
    }

    public static ParseResult<TaskCancelRequest> ParseCancel(JsonNode? payload)
    {
        if (payload is not JsonObject obj)
        {
            return new(null, $"the cancel payload must be a JSON object, got {Describe(payload)}", null, null);
        }

        var taskId = ReadId(obj, "task_id", out var taskIdError);
        var subtaskId = ReadId(obj, "subtask_id", out var subtaskIdError);
        if (taskId is null && subtaskId is null)
        {
            return new(null, subtaskIdError ?? taskIdError, null, null);
        }

        return new(new TaskCancelRequest(taskId, subtaskId), null, taskId, subtaskId);
    }

    /// <summary>Reads <c>task_id</c> of a <c>task:close-session</c> payload.</summary>
    public static long? ReadTaskId(JsonNode? payload, out string? error)
    {
        if (payload is JsonObject obj) return ReadId(obj, "task_id", out error);
        error = $"the payload must be a JSON object, got {Describe(payload)}";
        return null;
    }

    private static long? ReadId(JsonObject obj, string key, out string? error)
    {
        error = null;
        var node = obj[key];
        // Read numbers through their JSON text: a JsonValue built in code (e.g. from an int) does not convert to long.
        long? value = node switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => IntegralNumber(v.ToJsonString()),
            JsonValue v when v.GetValueKind() == JsonValueKind.String && TryGetString(v, out var text)
                && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };

        if (value is > 0) return value;
        error = node is null
            ? $"{key} is missing: expected a positive integer"
            : $"{key} is {Shorten(JsonText(node))}: expected a positive integer";
        return null;
    }

    /// <summary>An id that may be absent or null; present, it must be a positive integer.</summary>
    private static long? ReadOptionalId(JsonObject obj, string key, List<string> errors)
    {
        if (obj[key] is null) return null;
        var id = ReadId(obj, key, out var error);
        if (error is not null) errors.Add(error);
        return id;
    }

    private static JsonObject? ReadOptionalObject(JsonObject obj, string key, List<string> errors)
    {
        switch (obj[key])
        {
            case null:
                return null;
            case JsonObject value:
                return value;
            case var other:
                errors.Add($"{key} is {Describe(other)}: expected an object");
                return null;
        }
    }

    private static long? IntegralNumber(string json)
    {
        if (long.TryParse(json, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) return whole;
        return double.TryParse(json, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15
            ? (long)d
            : null;
    }

    private static bool TryReadString(JsonObject obj, string key, out string? value, out string error)
    {
        error = "";
        value = null;
        var node = obj[key];
        if (node is null) return true;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            if (TryGetString(v, out value)) return true;
            error = $"{key} is {Describe(node)}: expected text";
            return false;
        }

        error = $"{key} is {Describe(node)}: expected a string";
        return false;
    }

    private static bool ReadBool(JsonObject obj, string key, List<string> errors)
    {
        var node = obj[key];
        if (node is null) return false;
        if (node is JsonValue v && v.TryGetValue<bool>(out var b)) return b;
        errors.Add($"{key} is {Describe(node)}: expected true or false");
        return false;
    }

    private static BotConfig? ReadBot(JsonObject obj, List<string> errors)
    {
        var node = obj["bot"];
        if (node is null) return null;
        if (node is not JsonArray bots)
        {
            errors.Add($"bot is {Describe(node)}: expected a list of bots");
            return null;
        }

        if (bots.Count == 0) return null;
        if (bots[0] is not JsonObject bot)
        {
            errors.Add($"bot[0] is {Describe(bots[0])}: expected an object");
            return null;
        }

        string? BotString(string key)
        {
            if (TryReadString(bot, key, out var value, out var error)) return value;
            errors.Add("bot[0]." + error);
            return null;
        }

        JsonObject? env = null;
        switch (bot["agent_config"])
        {
            case null:
                break;
            case JsonObject agentConfig when agentConfig["env"] is null or JsonObject:
                env = agentConfig["env"] as JsonObject;
                break;
            case JsonObject agentConfig:
                errors.Add($"bot[0].agent_config.env is {Describe(agentConfig["env"])}: expected an object");
                break;
            default:
                errors.Add($"bot[0].agent_config is {Describe(bot["agent_config"])}: expected an object");
                break;
        }

        var skills = new List<string>();
        if (bot["skills"] is JsonArray skillNodes)
        {
            foreach (var skill in skillNodes)
            {
                if (skill is JsonValue s && s.GetValueKind() == JsonValueKind.String && TryGetString(s, out var name)) skills.Add(name);
                else errors.Add($"bot[0].skills holds {Describe(skill)}: expected skill names");
            }
        }

        return new BotConfig
        {
            Name = BotString("name"),
            ShellType = BotString("shell_type"),
            SystemPrompt = NullIfBlank(BotString("system_prompt")),
            AgentEnv = env,
            McpServers = bot["mcp_servers"],
            Skills = skills,
        };
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String when !TryGetString(v, out _) => "a string that is not valid Unicode (a lone surrogate)",
            JsonValueKind.String => $"the string {Shorten(v.ToJsonString())}",
            JsonValueKind.Number => $"the number {Shorten(v.ToJsonString())}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {v.ToJsonString()}",
            _ => Shorten(v.ToJsonString()),
        },
        _ => "an unknown value",
    };

    /// <summary>A JSON escape can encode a lone UTF-16 surrogate, which reads as no .NET string (it throws).</summary>
    private static bool TryGetString(JsonValue value, [NotNullWhen(true)] out string? text)
    {
        try
        {
            text = value.GetValue<string>();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    /// <summary>The node as JSON for a message; a lone surrogate inside makes it unwritable.</summary>
    private static string JsonText(JsonNode node)
    {
        try
        {
            return node.ToJsonString();
        }
        catch (Exception ex) when (ex is InvalidOperationException or JsonException)
        {
            return "a value that cannot be shown (a lone surrogate, or nested too deep)";
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");

    private static string Truncate(string text) => text.Length <= MaxTitleLength ? text : text[..MaxTitleLength];

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
