using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;
using Wegent.Executor.Tests.TestSupport;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tests.Tasks;

public sealed class AgentSetupTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("wegent-agent-setup-");
    private readonly WorkspaceLayout _layout;
    private readonly AgentSetup _setup;

    public AgentSetupTests()
    {
        _layout = new WorkspaceLayout(_root.FullName);
        _setup = new AgentSetup(_layout, new AgentSetupSettings { ExecutorVariable = _ => null, FallbackApiKey = "own-key" });
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
}
