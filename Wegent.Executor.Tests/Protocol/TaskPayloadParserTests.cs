using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Tests.Protocol;

public class TaskPayloadParserTests
{
    private static JsonNode? Json(string text) => JsonNode.Parse(text);

    [Fact]
    public void Reads_a_full_payload()
    {
        var result = TaskPayloadParser.ParseExecute(Json("""
            {"task_id": 7, "subtask_id": 12, "prompt": "hi", "task_title": "T", "git_url": "https://h/r.git",
             "branch_name": "main", "new_session": true,
             "bot": [{"name": "b", "shell_type": "ClaudeCode", "system_prompt": "be brief",
                      "agent_config": {"env": {"ANTHROPIC_MODEL": "m"}}, "skills": ["s1"]}]}
            """));

        Assert.True(result.IsValid, result.Error);
        var request = result.Value!;
        Assert.Equal(7, request.TaskId);
        Assert.Equal(12, request.SubtaskId);
        Assert.Equal("https://h/r.git", request.GitUrl);
        Assert.True(request.NewSession);
        Assert.Equal("be brief", request.Bot!.SystemPrompt);
        Assert.Equal("m", request.Bot.AgentEnv!["ANTHROPIC_MODEL"]!.GetValue<string>());
        Assert.Equal("be brief", request.SystemPrompt);
        Assert.Equal([new SkillRequest("s1", null)], request.Skills);
        Assert.Empty(request.PromptParts);
    }

    [Fact]
    public void A_newer_backends_payload_is_recognised_by_its_keys_and_keeps_message_id_and_model_config()
    {
        var result = TaskPayloadParser.ParseExecute(Json("""
            {"task_id": 7, "subtask_id": 12, "message_id": 2, "prompt": "hi", "collaboration_model": "solo",
             "model_config": {"model_id": "claude-sonnet-4-5", "api_key": "k"}, "task_title": null}
            """));

        Assert.True(result.IsValid, result.Error);
        Assert.True(result.Value!.FromResponsesApiBackend);
        Assert.Equal(2, result.Value.MessageId);
        Assert.Equal("claude-sonnet-4-5", result.Value.ModelConfig!["model_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"task_id": 7, "subtask_id": 12, "prompt": "hi"}""", false)]
    [InlineData("""{"task_id": 7, "subtask_id": 12, "prompt": "hi", "model_config": null}""", true)]
    [InlineData("""{"task_id": 7, "subtask_id": 12, "prompt": "hi", "collaboration_model": null}""", true)]
    public void The_generation_follows_the_presence_of_the_keys_even_when_null(string payload, bool responses)
    {
        var result = TaskPayloadParser.ParseExecute(Json(payload));

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(responses, result.Value!.FromResponsesApiBackend);
    }

    [Theory]
    [InlineData("""{"subtask_id": 3, "prompt": "x"}""", "task_id is missing", 3L)]
    [InlineData("""{"task_id": "../etc", "subtask_id": 3, "prompt": "x"}""", "task_id is \"../etc\": expected a positive integer", 3L)]
    [InlineData("""{"task_id": -1, "subtask_id": 3, "prompt": "x"}""", "task_id is -1", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3}""", "prompt is missing", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": 5}""", "prompt is the number 5: expected a string", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": {"text": "x"}}""", "prompt is an object: expected text or a list of content blocks", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": [5]}""", "prompt[0] is the number 5: expected a content block", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": [{"text": "x"}]}""", "prompt[0].type is missing: expected input_text or input_image", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": [{"type": "input_text", "text": ["x"]}]}""", "prompt[0].text is a list: expected a string", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": [{"type": "input_image", "image_url": 5}]}""", "prompt[0].image_url is the number 5", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "system_prompt": 5}""", "system_prompt is the number 5: expected a string", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "workspace": "repo"}""", "workspace is the string \"repo\": expected an object", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "workspace": {"repository": {"gitUrl": 5}}}""", "workspace.repository.gitUrl is the number 5", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "git_url": null, "workspace": {"branch": true}}""", "workspace.branch is the boolean true", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "skill_names": ["a", 1]}""", "skill_names holds the number 1: expected names", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "preload_skills": "a"}""", "preload_skills is the string \"a\": expected a list of names", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "skill_refs": []}""", "skill_refs is a list: expected an object", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "skill_refs": {"pdf": 101}}""", "skill_refs.pdf is the number 101: expected an object with skill_id", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "preload_skill_refs": {"pdf": {"skill_id": "x"}}}""", "preload_skill_refs.pdf.skill_id is the string \"x\"", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "skill_refs": {"pdf": {"skill_id": 1, "namespace": 2}}}""", "skill_refs.pdf.namespace is the number 2", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "mcp_servers": "fs"}""", "mcp_servers is the string \"fs\": expected a list of servers or a map of them", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "mcp_servers": [{"url": "u"}]}""", "mcp_servers[0].name is missing: expected the server's name", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "mcp_servers": [{"name": " "}]}""", "mcp_servers[0].name is the string \" \": expected the server's name", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "bot": [{"mcp_servers": [5]}]}""", "bot[0].mcp_servers[0] is the number 5: expected a server", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "bot": [{"mcp_servers": {"fs": "x"}}]}""", "bot[0].mcp_servers.fs is the string \"x\": expected a server object", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "bot": [{"shell_type": 5}]}""", "bot[0].shell_type is the number 5", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "bot": "nope"}""", "bot is the string \"nope\"", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "new_session": "yes"}""", "new_session is the string", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "model_config": "m"}""", "model_config is the string", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "message_id": "two"}""", "message_id is \"two\"", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 1.5, "prompt": "x"}""", "subtask_id is 1.5", null)]
    // JSON escapes of lone UTF-16 surrogates read as no .NET string: an error, never an exception.
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "\udc00 x \ud800"}""", "prompt is a string that is not valid Unicode", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "task_title": "\ud800"}""", "task_title is a string that is not valid Unicode", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": 3, "prompt": "x", "bot": [{"skills": ["\udc00"]}]}""", "bot[0].skills holds a string that is not valid Unicode", 3L)]
    [InlineData("""{"task_id": "\ud800", "subtask_id": 3, "prompt": "x"}""", "task_id is a value that cannot be shown", 3L)]
    [InlineData("""{"task_id": 1, "subtask_id": ["\ud800"], "prompt": "x"}""", "subtask_id is a value that cannot be shown", null)]
    public void Names_what_is_wrong_and_keeps_the_subtask_id_when_readable(string payload, string expectedError, long? expectedSubtaskId)
    {
        var result = TaskPayloadParser.ParseExecute(Json(payload));

        Assert.False(result.IsValid);
        Assert.Contains(expectedError, result.Error, StringComparison.Ordinal);
        Assert.Equal(expectedSubtaskId, result.SubtaskId);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    public void Rejects_payloads_that_are_not_objects(string payload)
    {
        var result = TaskPayloadParser.ParseExecute(Json(payload));

        Assert.False(result.IsValid);
        Assert.Null(result.SubtaskId);
        Assert.Contains("must be a JSON object", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_ids_from_values_built_in_code_as_well_as_parsed_ones()
    {
        var payload = new JsonObject { ["task_id"] = 4, ["subtask_id"] = 5L, ["prompt"] = "p" };

        var result = TaskPayloadParser.ParseExecute(payload);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal((4L, 5L), (result.Value!.TaskId, result.Value.SubtaskId));
    }

    [Fact]
    public void Accepts_numeric_strings_as_ids()
    {
        var result = TaskPayloadParser.ParseExecute(Json("""{"task_id": "4", "subtask_id": "5", "prompt": ""}"""));

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(4, result.Value!.TaskId);
    }

    /// <summary>A newer backend's payload (PROTOCOL-RESPONSES.md section 5): every key present, unset ones null.</summary>
    private static JsonObject NewerPayload() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Protocol", "Fixtures", "execution-request.json")))!.AsObject();

    [Fact]
    public void Reads_a_newer_backends_payload_with_every_key_and_most_of_them_null()
    {
        var payload = NewerPayload();
        Assert.True(payload.Count(kv => kv.Value is null) > payload.Count / 3, "the fixture is the shape the backend sends: many keys, most unset");

        var result = TaskPayloadParser.ParseExecute(payload);

        Assert.True(result.IsValid, result.Error);
        var request = result.Value!;
        Assert.Equal((731, 1502, 2L), (request.TaskId, request.SubtaskId, request.MessageId));
        Assert.True(request.FromResponsesApiBackend);
        Assert.Equal("Fix the login redirect", request.Prompt);
        Assert.Equal(("", ""), (request.TaskTitle, request.SubtaskTitle));
        Assert.Equal("You are the team.", request.SystemPrompt);
        Assert.Equal("ClaudeCode", request.Bot!.ShellType);
        Assert.Equal(("https://github.com/acme/web.git", "acme/web", "main"), (request.GitUrl, request.GitRepo, request.BranchName));
        Assert.Equal("task-jwt", request.AuthToken);
        Assert.Equal([new SkillRequest("pdf", new SkillReference(101, "default"))], request.Skills);
        Assert.Equal("""{"fs":{"type":"http","url":"http://mcp.example/fs"},"search":{"type":"http","url":"http://mcp.example/search","headers":{"Authorization":"Bearer ${{user.name}}"}}}""",
            request.McpServers!.ToJsonString());
    }

    [Fact]
    public void A_newer_payload_without_a_repository_has_none()
    {
        var payload = NewerPayload();
        foreach (var key in (string[])["git_url", "git_repo", "git_repo_id", "git_domain", "branch_name"]) payload[key] = null;
        payload["workspace"] = new JsonObject();

        var request = TaskPayloadParser.ParseExecute(payload).Value!;

        Assert.Equal((null, null, null), (request.GitUrl, request.GitRepo, request.BranchName));
    }

    [Fact]
    public void The_repository_comes_from_the_workspace_when_the_top_level_fields_are_null_or_blank()
    {
        var request = TaskPayloadParser.ParseExecute(Json("""
            {"task_id": 7, "subtask_id": 12, "prompt": "hi", "git_url": null, "git_repo": "", "branch_name": null,
             "workspace": {"repository": {"gitUrl": "https://h/acme/web.git", "gitRepo": "acme/web", "branchName": null}, "branch": "dev"}}
            """)).Value!;

        Assert.Equal(("https://h/acme/web.git", "acme/web", "dev"), (request.GitUrl, request.GitRepo, request.BranchName));
    }

    [Fact]
    public void The_top_level_system_prompt_comes_before_bot_0s_and_a_blank_one_does_not_count()
    {
        static string? SystemPrompt(string topLevel) => TaskPayloadParser.ParseExecute(Json($$"""
            {"task_id": 7, "subtask_id": 12, "prompt": "hi", "system_prompt": {{topLevel}}, "bot": [{"system_prompt": "Bot."}]}
            """)).Value!.SystemPrompt;

        Assert.Equal("Team.", SystemPrompt("\"Team.\""));
        Assert.Equal("Bot.", SystemPrompt("\"  \""));
        Assert.Equal("Bot.", SystemPrompt("null"));
    }

    [Fact]
    public void A_prompt_of_content_blocks_joins_its_texts_and_keeps_images_and_left_out_blocks_in_order()
    {
        var request = TaskPayloadParser.ParseExecute(Json("""
            {"task_id": 7, "subtask_id": 12, "prompt": [
              {"type": "input_text", "text": "What is in"},
              {"type": "input_image", "image_url": "data:image/png;base64,AAAA"},
              {"type": "input_image", "image_url": {"url": "https://example.com/b.png"}},
              {"type": "input_file", "file_id": "f1"},
              {"type": "input_image"},
              {"type": "text", "text": "these?"}]}
            """)).Value!;

        Assert.Equal("What is in\n\nthese?", request.Prompt);
        Assert.Equal<PromptPart>([
            new PromptTextPart("What is in"),
            new PromptImagePart(1, "data:image/png;base64,AAAA"),
            new PromptImagePart(2, "https://example.com/b.png"),
            new PromptSkippedPart(3, "a block of type input_file (only text and images are passed on)"),
            new PromptSkippedPart(4, "an image block without an image_url"),
            new PromptTextPart("these?"),
        ], request.PromptParts);
    }

    [Fact]
    public void A_prompt_of_blocks_is_held_to_the_same_length_limit()
    {
        var block = new JsonObject { ["type"] = "input_text", ["text"] = new string('x', TaskPayloadParser.MaxPromptLength) };
        var payload = new JsonObject { ["task_id"] = 1, ["subtask_id"] = 2, ["prompt"] = new JsonArray(block, block.DeepClone()) };

        Assert.Contains("over the 1000000 limit", TaskPayloadParser.ParseExecute(payload).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Skills_come_from_every_list_each_with_its_most_specific_reference()
    {
        var request = TaskPayloadParser.ParseExecute(Json("""
            {"task_id": 7, "subtask_id": 12, "prompt": "hi",
             "bot": [{"skills": ["a", "b"], "skill_refs": {"a": {"skill_id": 1, "namespace": "bot-ns"}, "b": {"skill_id": 4}},
                      "preload_skill_refs": {"c": {"skill_id": 5, "namespace": "bot-ns"}}}],
             "skill_names": ["a", " d "], "preload_skills": ["c"],
             "skill_refs": {"a": {"skill_id": "2", "namespace": "team-ns"}, "d": {"namespace": "no-id"}},
             "preload_skill_refs": {"c": {"skill_id": 3, "namespace": "team-ns"}, "unlisted": {"skill_id": 9}}}
            """)).Value!;

        Assert.Equal([
            new SkillRequest("a", new SkillReference(2, "team-ns")),
            new SkillRequest("b", new SkillReference(4, "default")),
            new SkillRequest("d", null),
            new SkillRequest("c", new SkillReference(3, "team-ns")),
        ], request.Skills);
    }

    [Theory]
    [InlineData("""{"fs": {"command": "fs-mcp"}}""")]
    [InlineData("""{"mcpServers": {"fs": {"command": "fs-mcp"}}}""")]
    [InlineData("""{"mcp_servers": {"fs": {"command": "fs-mcp"}}}""")]
    [InlineData("""[{"name": "fs", "command": "fs-mcp"}]""")]
    public void Bot_0s_mcp_servers_are_read_as_a_map_a_wrapped_map_or_a_list(string servers)
    {
        foreach (var key in (string[])["mcp_servers", "mcpServers"])
        {
            var request = TaskPayloadParser.ParseExecute(Json($$"""{"task_id": 7, "subtask_id": 12, "prompt": "hi", "bot": [{"{{key}}": {{servers}}}]}""")).Value!;

            Assert.Equal("""{"fs":{"command":"fs-mcp"}}""", request.McpServers!.ToJsonString());
        }
    }

    [Fact]
    public void The_top_level_servers_add_what_bot_0_lacks_with_auth_as_headers()
    {
        var request = TaskPayloadParser.ParseExecute(Json("""
            {"task_id": 7, "subtask_id": 12, "prompt": "hi",
             "bot": [{"mcp_servers": [{"name": "fs", "type": "streamable-http", "url": "http://bot/fs", "headers": {"A": "bot"}}]}],
             "mcp_servers": [{"name": "fs", "type": "http", "url": "http://top/fs", "auth": {"A": "top"}},
                             {"name": "kb", "type": "sse", "url": "http://top/kb", "auth": {"A": "kb"}}]}
            """)).Value!;

        Assert.Equal("""{"fs":{"type":"http","url":"http://bot/fs","headers":{"A":"bot"}},"kb":{"type":"sse","url":"http://top/kb","headers":{"A":"kb"}}}""",
            request.McpServers!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"task_id": 1, "subtask_id": 2, "prompt": "x"}""")]
    [InlineData("""{"task_id": 1, "subtask_id": 2, "prompt": "x", "mcp_servers": [], "bot": [{"mcp_servers": {}}]}""")]
    [InlineData("""{"task_id": 1, "subtask_id": 2, "prompt": "x", "mcp_servers": null, "bot": [{"mcp_servers": null}]}""")]
    [InlineData("""{"task_id": 1, "subtask_id": 2, "prompt": "x", "mcp_servers": [null], "bot": [{"mcpServers": {"mcpServers": {}}}]}""")]
    [InlineData("""{"task_id": 1, "subtask_id": 2, "prompt": "x", "bot": [{"mcp_servers": {"fs": null}}]}""")]
    public void No_servers_read_as_none(string payload) => Assert.Null(TaskPayloadParser.ParseExecute(Json(payload)).Value!.McpServers);

    [Fact]
    public void Cancel_needs_at_least_one_id()
    {
        Assert.Equal(9, TaskPayloadParser.ParseCancel(Json("""{"subtask_id": 9}""")).Value!.SubtaskId);
        Assert.False(TaskPayloadParser.ParseCancel(Json("""{"task_id": null}""")).IsValid);
        Assert.False(TaskPayloadParser.ParseCancel(Json("7")).IsValid);
    }
}
