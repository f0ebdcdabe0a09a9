using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

/// <summary>Reads backend payloads defensively: every key may be missing, null or of the wrong type.</summary>
public static class TaskPayloadParser
{
    public const int MaxPromptLength = 1_000_000;
    public const int MaxTitleLength = 1_000;

    public static ParsedPayload<TaskRequest> ParseExecute(JsonNode? payload)
    {
        if (payload is not JsonObject obj)
        {
            return new(null, $"the task payload must be a JSON object, got {Describe(payload)}", null, null);
        }

        var taskId = ReadId(obj, "task_id", out var taskIdError);
        var subtaskId = ReadId(obj, "subtask_id", out var subtaskIdError);
        ParsedPayload<TaskRequest> Fail(string error) => new(null, error, taskId, subtaskId);

        if (subtaskIdError is not null) return Fail(subtaskIdError);
        if (taskIdError is not null) return Fail(taskIdError);

        var reader = new PayloadReader();
        var (prompt, promptParts) = PromptContent.Read(obj, reader);
        if (prompt is null) return Fail(reader.Errors[0]);
        if (prompt.Length > MaxPromptLength) return Fail($"prompt is {prompt.Length} characters, over the {MaxPromptLength} limit");

        var (bot, botObject, botSkills) = ReadBot(obj, reader);
        var workspace = reader.Object(obj, "workspace", "workspace");
        var repository = reader.Object(workspace, "repository", "workspace.repository");
        string? Text(JsonObject? owner, string key, string path) => NullIfBlank(reader.String(owner, key, path));

        var request = new TaskRequest
        {
            TaskId = taskId!.Value,
            SubtaskId = subtaskId!.Value,
            Prompt = prompt,
            PromptParts = promptParts,
            SystemPrompt = Text(obj, "system_prompt", "system_prompt") ?? bot?.SystemPrompt,
            TaskTitle = Truncate(reader.String(obj, "task_title", "task_title") ?? ""),
            SubtaskTitle = Truncate(reader.String(obj, "subtask_title", "subtask_title") ?? ""),
            GitUrl = Text(obj, "git_url", "git_url") ?? Text(repository, "gitUrl", "workspace.repository.gitUrl"),
            GitRepo = Text(obj, "git_repo", "git_repo") ?? Text(repository, "gitRepo", "workspace.repository.gitRepo"),
            BranchName = Text(obj, "branch_name", "branch_name") ?? Text(repository, "branchName", "workspace.repository.branchName")
                ?? Text(workspace, "branch", "workspace.branch"),
            AuthToken = Text(obj, "auth_token", "auth_token"),
            NewSession = reader.Bool(obj, "new_session"),
            Bot = bot,
            Skills = SkillRequests.Read(obj, botObject, botSkills, reader),
            McpServers = McpServerDeclarations.Read(obj, botObject, reader),
            MessageId = reader.OptionalId(obj, "message_id", "message_id"),
            ModelConfig = reader.Object(obj, "model_config", "model_config"),
            FromResponsesApiBackend = ResultProtocols.OfPayload(obj) == ResultProtocol.Responses,
            Raw = obj,
        };
        return reader.Errors.Count > 0 ? Fail(string.Join("; ", reader.Errors)) : new(request, null, taskId, subtaskId);
    }

    public static ParsedPayload<TaskCancelRequest> ParseCancel(JsonNode? payload)
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

    private static long? ReadId(JsonObject obj, string key, out string? error) => PayloadReader.Id(obj[key], key, out error);

    private static (BotConfig? Bot, JsonObject? Object, IReadOnlyList<string> Skills) ReadBot(JsonObject obj, PayloadReader reader)
    {
        if (reader.Array(obj, "bot", "bot", "a list of bots") is not { Count: > 0 } bots) return (null, null, []);
        if (bots[0] is not JsonObject bot)
        {
            reader.Error("bot[0]", bots[0], "an object");
            return (null, null, []);
        }

        var agentConfig = reader.Object(bot, "agent_config", "bot[0].agent_config");
        var config = new BotConfig
        {
            Name = reader.String(bot, "name", "bot[0].name"),
            ShellType = NullIfBlank(reader.String(bot, "shell_type", "bot[0].shell_type")),
            SystemPrompt = NullIfBlank(reader.String(bot, "system_prompt", "bot[0].system_prompt")),
            AgentEnv = reader.Object(agentConfig, "env", "bot[0].agent_config.env"),
        };
        return (config, bot, reader.Names(bot, "skills", "bot[0].skills"));
    }

    private static string Describe(JsonNode? node) => PayloadReader.Describe(node);

    private static string Truncate(string text) => text.Length <= MaxTitleLength ? text : text[..MaxTitleLength];

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
