using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Wegent.Executor.Agents;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;
using Wegent.Executor.Tests.TestSupport;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tests.Tasks;

public sealed class AgentRequestBuilderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("wegent-agent-setup-");
    private readonly WorkspaceLayout _layout;
    private readonly AgentRequestBuilder _setup;

    public AgentRequestBuilderTests()
    {
        _layout = new WorkspaceLayout(_root.FullName);
        _setup = new AgentRequestBuilder(_layout, new AgentRequestBuilderOptions { ExecutorVariable = _ => null, FallbackApiKey = "own-key" });
    }

    public void Dispose() => _root.Delete(recursive: true);

    private static TaskRequest Task(string extra = "") =>
        TaskPayloadParser.ParseExecute(JsonNode.Parse($$"""{"task_id": 7, "subtask_id": 8, "prompt": "go", "user": {"name": "alice"}{{extra}}}""")).Value!;

    private PreparedWorkspace Workspace => new() { TaskDirectory = _layout.TaskDirectory(7), WorkingDirectory = _layout.TaskDirectory(7) };

    [Fact]
    public void Writes_the_mcp_config_owner_only_and_passes_its_path()
    {
        var request = _setup.Create(
            Task(""", "bot": [{"system_prompt": "Lead.", "mcp_servers": {"mcpServers": {"s": {"command": "x", "args": ["${{user.name}}"]}}}}]"""),
            Workspace);

        var path = Path.Combine(_layout.AgentConfigDirectory(7), McpConfiguration.FileName);
        Assert.Equal(path, request.McpConfigPath);
        Assert.Equal("""{"mcpServers":{"s":{"command":"x","args":["alice"]}}}""", File.ReadAllText(path));
        Assert.Equal("Lead.", request.SystemPrompt);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [UnixFact]
    [UnsupportedOSPlatform("windows")]
    public void The_model_settings_are_owner_only_also_when_rewritten_over_a_readable_file()
    {
        var path = Path.Combine(_layout.AgentConfigDirectory(7), "settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "{}");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        _setup.Create(Task(), Workspace);

        Assert.Contains("own-key", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_task_without_mcp_servers_gets_no_config_and_an_earlier_one_is_removed()
    {
        _setup.Create(Task(""", "bot": [{"mcp_servers": {"s": {"command": "x"}}}]"""), Workspace);

        var request = _setup.Create(Task(""", "bot": [{"name": "plain"}]"""), Workspace);

        Assert.Null(request.McpConfigPath);
        Assert.False(File.Exists(Path.Combine(_layout.AgentConfigDirectory(7), McpConfiguration.FileName)));
    }

    [Fact]
    public void Coordinate_mode_writes_the_other_bots_as_sub_agents_of_the_task()
    {
        _setup.Create(Task(""", "mode": "coordinate", "bot": [{"name": "lead"}, {"name": "helper", "system_prompt": "Help."}]"""), Workspace);

        Assert.True(File.Exists(Path.Combine(_layout.AgentConfigDirectory(7), "agents", "helper.md")));
    }

    [Fact]
    public void Settings_json_holds_the_model_environment()
    {
        var request = _setup.Create(Task(""", "bot": [{"agent_config": {"env": {"ANTHROPIC_MODEL": "m"}}}]"""), Workspace);

        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(_layout.AgentConfigDirectory(7), "settings.json")))!;
        Assert.Equal("m", settings["env"]!["ANTHROPIC_MODEL"]!.GetValue<string>());
        Assert.Equal("own-key", settings["env"]!["ANTHROPIC_API_KEY"]!.GetValue<string>());
        Assert.Equal("m", request.Environment["ANTHROPIC_MODEL"]);
    }

    [Fact]
    public void A_follow_up_resumes_the_saved_session_unless_it_asks_for_a_new_one()
    {
        _layout.SaveSessionId(7, "session-1");

        Assert.Equal("session-1", _setup.Create(Task(), Workspace).ResumeSessionId);
        Assert.Null(_setup.Create(Task(""", "new_session": true"""), Workspace).ResumeSessionId);
    }
    [Fact]
    public void The_top_level_system_prompt_of_a_newer_backend_comes_before_bot_0s()
    {
        var request = _setup.Create(Task(""", "system_prompt": "Team prompt.", "bot": [{"system_prompt": "Bot prompt."}]"""), Workspace);

        Assert.Equal("Team prompt.", request.SystemPrompt);
    }

    [Fact]
    public void Mcp_servers_of_a_newer_backend_reach_the_config_file_with_placeholders_filled()
    {
        var request = _setup.Create(Task("""
            , "user_name": "alice",
              "bot": [{"mcp_servers": [{"name": "fs", "type": "http", "url": "http://mcp/fs", "headers": {"X-User": "${{user.user_name}}"}}]}],
              "mcp_servers": [{"name": "kb", "type": "streamable-http", "url": "http://mcp/kb?task=${{task_id}}", "auth": {"A": "b"}}]
            """), Workspace);

        Assert.Equal(
            """{"mcpServers":{"fs":{"type":"http","url":"http://mcp/fs","headers":{"X-User":"alice"}},"kb":{"type":"http","url":"http://mcp/kb?task=7","headers":{"A":"b"}}}}""",
            File.ReadAllText(request.McpConfigPath!));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("ClaudeCode")]
    [InlineData("claudecode")]
    public void A_claude_code_bot_is_run(string? shellType) =>
        AgentRequestBuilder.EnsureSupported(Task(shellType is null ? "" : $$""", "bot": [{"shell_type": "{{shellType}}"}]"""));

    [Theory]
    [InlineData("Agno")]
    [InlineData("Dify")]
    [InlineData("Codex")]
    public void A_bot_for_another_agent_is_refused_naming_its_shell(string shellType)
    {
        var error = Assert.Throws<WorkspaceException>(() => AgentRequestBuilder.EnsureSupported(Task($$""", "bot": [{"name": "helper", "shell_type": "{{shellType}}"}]""")));

        Assert.Equal($"This executor runs Claude Code only, and bot 'helper' has shell type '{shellType}'. Run the task on an executor for {shellType}, "
            + "or give the bot the ClaudeCode shell.", error.Message);
    }

    [Fact]
    public async Task A_task_for_another_agent_fails_before_its_workspace_is_prepared_and_the_agent_never_runs()
    {
        var agent = new CountingAgent();
        await using var harness = new RunnerHarness(agent);

        await harness.Runner.RunAsync(Task(""", "bot": [{"name": "helper", "shell_type": "Agno"}]"""), new RunControl());
        await harness.Delivery.WhenAllDeliveredAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout);

        Assert.Equal(0, agent.Runs);
        var final = harness.Channel.Sent.Last().Payload.ToJsonString();
        Assert.Contains("This executor runs Claude Code only", final, StringComparison.Ordinal);
        Assert.Contains("Agno", final, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(harness.Home, "workspace", "7")));
    }

    private sealed class CountingAgent : IAgent
    {
        public int Runs { get; private set; }

        public Task<AgentOutcome> RunAsync(AgentRequest request, IAgentObserver observer, CancellationToken cancellationToken)
        {
            Runs++;
            return System.Threading.Tasks.Task.FromResult(new AgentOutcome(AgentOutcomeStatus.Succeeded, "done", null));
        }
    }
}
