using System.Text.Json.Nodes;
using Wegent.Executor.Tasks;

namespace Wegent.Executor.Tests.Tasks;

public class McpConfigurationTests
{
    private static readonly JsonObject Task = JsonNode.Parse("""
        {"task_id": 42, "user": {"name": "alice", "git_token": "plain-token"}, "bot": [{"name": "lead"}], "new_session": false}
        """)!.AsObject();

    private static string? NoVariables(string name) => null;

    private static JsonObject Bot(string json) => JsonNode.Parse(json)!.AsObject();

    private const string Server = """
        {"github": {"command": "gh-mcp", "args": ["--user", "${{user.name}}", "--task=${{ task_id }}"],
                    "env": {"TOKEN": "${{user.git_token}}", "LEAD": "${{bot.0.name}}", "FLAG": "${{new_session}}"}, "timeout": 5}}
        """;

    [Theory]
    [InlineData("mcp_servers", null)]
    [InlineData("mcpServers", null)]
    [InlineData("mcp_servers", "mcpServers")]
    [InlineData("mcpServers", "mcp_servers")]
    [InlineData("mcp_servers", "mcp_servers")]
    public void Reads_every_spelling_and_fills_placeholders_from_the_task(string key, string? wrapper)
    {
        var servers = wrapper is null ? Server : $$"""{"{{wrapper}}": {{Server}}}""";

        var config = McpConfiguration.Build(Bot($$"""{"{{key}}": {{servers}}}"""), Task, NoVariables);

        var github = config!["mcpServers"]!["github"]!;
        Assert.Equal("""["--user","alice","--task=42"]""", github["args"]!.ToJsonString());
        Assert.Equal("plain-token", github["env"]!["TOKEN"]!.GetValue<string>());
        Assert.Equal("lead", github["env"]!["LEAD"]!.GetValue<string>());
        Assert.Equal("false", github["env"]!["FLAG"]!.GetValue<string>());
        Assert.Equal(5, github["timeout"]!.GetValue<int>());
        Assert.Single(config.AsObject());
    }

    [Fact]
    public void A_placeholder_that_leads_nowhere_is_kept_as_written()
    {
        var config = McpConfiguration.Build(
            Bot("""{"mcp_servers": {"s": {"url": "http://h/${{user.missing}}/${{user}}/${{bot.7.name}}"}}}"""), Task, NoVariables);

        Assert.Equal("http://h/${{user.missing}}/${{user}}/${{bot.7.name}}", config!["mcpServers"]!["s"]!["url"]!.GetValue<string>());
    }

    [Fact]
    public void An_encrypted_git_token_is_decrypted_when_filled_in()
    {
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = System.Text.Encoding.UTF8.GetBytes(TaskSecrets.DefaultKey);
        var encrypted = Convert.ToBase64String(aes.EncryptCbc("ghp_secret"u8, System.Text.Encoding.UTF8.GetBytes(TaskSecrets.DefaultIv)));
        var task = JsonNode.Parse($$$"""{"user": {"git_token": "{{{encrypted}}}"}}""")!.AsObject();

        var config = McpConfiguration.Build(Bot("""{"mcp_servers": {"s": {"headers": {"Authorization": "Bearer ${{user.git_token}}"}}}}"""), task, NoVariables);

        Assert.Equal("Bearer ghp_secret", config!["mcpServers"]!["s"]!["headers"]!["Authorization"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"mcp_servers": null}""")]
    [InlineData("""{"mcp_servers": {}}""")]
    [InlineData("""{"mcp_servers": "not an object"}""")]
    public void No_servers_give_no_config(string bot)
    {
        Assert.Null(McpConfiguration.Build(Bot(bot), Task, NoVariables));
        Assert.Null(McpConfiguration.Build(null, Task, NoVariables));
    }

    [Fact]
    public void The_task_payload_is_not_changed()
    {
        var bot = Bot("""{"mcp_servers": {"s": {"args": ["${{user.name}}"]}}}""");

        McpConfiguration.Build(bot, Task, NoVariables);

        Assert.Equal("${{user.name}}", bot["mcp_servers"]!["s"]!["args"]![0]!.GetValue<string>());
    }
}
