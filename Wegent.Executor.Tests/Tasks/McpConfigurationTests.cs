using System.Text.Json.Nodes;
using Wegent.Executor.Tasks;

namespace Wegent.Executor.Tests.Tasks;

public class McpConfigurationTests
{
    private static readonly JsonObject Task = JsonNode.Parse("""
        {"task_id": 42, "user": {"name": "alice", "git_token": "plain-token"}, "bot": [{"name": "lead"}], "new_session": false}
        """)!.AsObject();

    private static string? NoVariables(string name) => null;

    private static JsonObject Servers(string json) => JsonNode.Parse(json)!.AsObject();

    private const string Server = """
        {"github": {"command": "gh-mcp", "args": ["--user", "${{user.name}}", "--task=${{ task_id }}"],
                    "env": {"TOKEN": "${{user.git_token}}", "LEAD": "${{bot.0.name}}", "FLAG": "${{new_session}}"}, "timeout": 5}}
        """;

    [Fact]
    public void Fills_placeholders_from_the_task_and_keeps_other_values()
    {
        var config = McpConfiguration.Build(Servers(Server), Task, NoVariables);

        var github = config!["mcpServers"]!["github"]!;
        Assert.Equal("""["--user","alice","--task=42"]""", github["args"]!.ToJsonString());
        Assert.Equal("plain-token", github["env"]!["TOKEN"]!.GetValue<string>());
        Assert.Equal("lead", github["env"]!["LEAD"]!.GetValue<string>());
        Assert.Equal("false", github["env"]!["FLAG"]!.GetValue<string>());
        Assert.Equal(5, github["timeout"]!.GetValue<int>());
        Assert.Single(config.AsObject());
    }

    [Theory]
    [InlineData("""{"user": {"user_name": "jan"}}""", "jan", "${{user.name}}")]
    [InlineData("""{"user": {"name": "alice"}, "user_name": "alice"}""", "alice", "alice")]
    [InlineData("""{"user": {}, "user_name": "bob"}""", "bob", "bob")]
    public void The_user_name_is_found_in_a_january_payload_and_in_a_newer_one(string task, string userName, string name)
    {
        var config = McpConfiguration.Build(Servers("""{"s": {"args": ["${{user.user_name}}", "${{user.name}}"]}}"""), JsonNode.Parse(task)!.AsObject(), NoVariables);

        Assert.Equal([userName, name], config!["mcpServers"]!["s"]!["args"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public void A_placeholder_that_leads_nowhere_is_kept_as_written()
    {
        var config = McpConfiguration.Build(
            Servers("""{"s": {"url": "http://h/${{user.missing}}/${{user}}/${{bot.7.name}}"}}"""), Task, NoVariables);

        Assert.Equal("http://h/${{user.missing}}/${{user}}/${{bot.7.name}}", config!["mcpServers"]!["s"]!["url"]!.GetValue<string>());
    }

    [Fact]
    public void An_encrypted_git_token_is_decrypted_when_filled_in()
    {
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = System.Text.Encoding.UTF8.GetBytes(TaskSecrets.DefaultKey);
        var encrypted = Convert.ToBase64String(aes.EncryptCbc("ghp_secret"u8, System.Text.Encoding.UTF8.GetBytes(TaskSecrets.DefaultIv)));
        var task = JsonNode.Parse($$$"""{"user": {"git_token": "{{{encrypted}}}"}}""")!.AsObject();

        var config = McpConfiguration.Build(Servers("""{"s": {"headers": {"Authorization": "Bearer ${{user.git_token}}"}}}"""), task, NoVariables);

        Assert.Equal("Bearer ghp_secret", config!["mcpServers"]!["s"]!["headers"]!["Authorization"]!.GetValue<string>());
    }

    [Fact]
    public void No_servers_give_no_config()
    {
        Assert.Null(McpConfiguration.Build(Servers("{}"), Task, NoVariables));
        Assert.Null(McpConfiguration.Build(null, Task, NoVariables));
    }

    [Fact]
    public void The_task_payload_is_not_changed()
    {
        var servers = Servers("""{"s": {"args": ["${{user.name}}"]}}""");

        McpConfiguration.Build(servers, Task, NoVariables);

        Assert.Equal("${{user.name}}", servers["s"]!["args"]![0]!.GetValue<string>());
    }
}
