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
        Assert.Equal(["s1"], request.Bot.Skills);
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

    [Fact]
    public void Cancel_needs_at_least_one_id()
    {
        Assert.Equal(9, TaskPayloadParser.ParseCancel(Json("""{"subtask_id": 9}""")).Value!.SubtaskId);
        Assert.False(TaskPayloadParser.ParseCancel(Json("""{"task_id": null}""")).IsValid);
        Assert.False(TaskPayloadParser.ParseCancel(Json("7")).IsValid);
    }
}
