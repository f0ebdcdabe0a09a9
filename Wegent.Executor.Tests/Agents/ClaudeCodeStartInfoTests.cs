using Wegent.Executor.Agents;

namespace Wegent.Executor.Tests.Agents;

public sealed class ClaudeCodeStartInfoTests
{
    private static readonly ProcessTreeMarker Marker = new("WEGENT_AGENT_RUN_ID", "abc");

    private static readonly AgentRequest Request = new()
    {
        TaskId = 1,
        SubtaskId = 1,
        Prompt = "p",
        WorkingDirectory = "work",
        ConfigDirectory = "config",
    };

    [Fact]
    public void Executor_token_never_reaches_the_child_even_when_the_request_adds_it()
    {
        var environment = Environment(("WEGENT_AUTH_TOKEN", "secret"));

        ClaudeCodeStartInfo.ApplyEnvironment(
            environment, Request with { Environment = new Dictionary<string, string?> { ["WEGENT_AUTH_TOKEN"] = "again" } },
            new ClaudeCodeAgentOptions(), Marker, isRoot: false);

        Assert.DoesNotContain("WEGENT_AUTH_TOKEN", environment.Keys);
    }

    [Fact]
    public void Settings_already_in_the_environment_are_kept_and_the_config_dir_is_forced()
    {
        var environment = Environment(
            ("CLAUDE_CODE_MAX_RETRIES", "7"), ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "0"), ("CLAUDE_CONFIG_DIR", "elsewhere"));

        ClaudeCodeStartInfo.ApplyEnvironment(environment, Request, new ClaudeCodeAgentOptions(), Marker, isRoot: false);

        Assert.Equal("7", environment["CLAUDE_CODE_MAX_RETRIES"]);
        Assert.Equal("0", environment["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"]);
        Assert.Equal("config", environment["CLAUDE_CONFIG_DIR"]);
        Assert.Equal("abc", environment["WEGENT_AGENT_RUN_ID"]);
    }

    [Fact]
    public void Null_limits_leave_the_cli_defaults()
    {
        var environment = Environment();

        ClaudeCodeStartInfo.ApplyEnvironment(
            environment, Request, new ClaudeCodeAgentOptions { MaxApiRetries = null, ApiTimeout = null }, Marker, isRoot: false);

        Assert.DoesNotContain("CLAUDE_CODE_MAX_RETRIES", environment.Keys);
        Assert.DoesNotContain("API_TIMEOUT_MS", environment.Keys);
    }

    [Fact]
    public void Retry_and_timeout_limits_reach_the_cli_unless_the_environment_sets_them()
    {
        var options = new ClaudeCodeAgentOptions { MaxApiRetries = 0, ApiTimeout = TimeSpan.FromSeconds(2.5) };
        var environment = Environment();
        var preset = Environment(("API_TIMEOUT_MS", "1"));

        ClaudeCodeStartInfo.ApplyEnvironment(environment, Request, options, Marker, isRoot: false);
        ClaudeCodeStartInfo.ApplyEnvironment(preset, Request, options, Marker, isRoot: false);

        Assert.Equal("0", environment["CLAUDE_CODE_MAX_RETRIES"]);
        Assert.Equal("2500", environment["API_TIMEOUT_MS"]);
        Assert.Equal("1", preset["API_TIMEOUT_MS"]);
    }

    [Theory]
    [InlineData(true, "bypassPermissions", true)]
    [InlineData(false, "bypassPermissions", false)]
    [InlineData(true, "acceptEdits", false)]
    public void Is_sandbox_is_set_only_for_root_with_bypass_permissions(bool isRoot, string mode, bool expected)
    {
        var environment = Environment();

        ClaudeCodeStartInfo.ApplyEnvironment(environment, Request, new ClaudeCodeAgentOptions { PermissionMode = mode }, Marker, isRoot);

        Assert.Equal(expected, environment.TryGetValue("IS_SANDBOX", out var value) && value == "1");
    }

    [Fact]
    public void Optional_arguments_are_absent_when_not_given()
    {
        var arguments = ClaudeCodeStartInfo.Arguments(Request, new ClaudeCodeAgentOptions { PermissionMode = "acceptEdits" });

        Assert.Equal(["-p", "--output-format", "stream-json", "--verbose", "--include-partial-messages", "--permission-mode", "acceptEdits"], arguments);
    }

    private static Dictionary<string, string?> Environment(params (string Name, string Value)[] entries) =>
        entries.ToDictionary(e => e.Name, e => (string?)e.Value);
}
