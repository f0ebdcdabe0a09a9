using Wegent.Executor.Agents;
using Wegent.Executor.Processes;

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

        Assert.Equal(
            ["-p", "--setting-sources", "user", "--strict-mcp-config", "--output-format", "stream-json", "--verbose", "--include-partial-messages",
             "--permission-mode", "acceptEdits"],
            arguments);
    }

    /// <summary>Issue 12 item 2: a repository's .claude/settings.json hooks and .mcp.json servers ran before the agent
    /// was asked anything; only the task's settings (CLAUDE_CONFIG_DIR, the "user" source) and --mcp-config apply.</summary>
    [Fact]
    public void Repository_settings_and_mcp_servers_are_loaded_only_when_the_owner_trusts_them()
    {
        var request = Request with { McpConfigPath = "config/mcp.json" };

        var strict = ClaudeCodeStartInfo.Arguments(request, new ClaudeCodeAgentOptions()).ToList();
        var trusted = ClaudeCodeStartInfo.Arguments(request, new ClaudeCodeAgentOptions { TrustRepositorySettings = true }).ToList();

        Assert.Equal(["user", "--strict-mcp-config"], strict.SkipWhile(a => a != "--setting-sources").Skip(1).Take(2));
        Assert.Equal("config/mcp.json", strict[strict.IndexOf("--mcp-config") + 1]);
        Assert.DoesNotContain("--setting-sources", trusted);
        Assert.DoesNotContain("--strict-mcp-config", trusted);
        Assert.Contains("--mcp-config", trusted);
    }

    /// <summary>Issue 12 item 8: the system prompt on the command line was visible in ps, and a 140,000-character one
    /// failed with "Argument list too long".</summary>
    [Fact]
    public void The_system_prompt_goes_by_file_never_as_an_argument()
    {
        var prompt = new string('k', 140_000);

        var arguments = ClaudeCodeStartInfo.Arguments(Request with { SystemPrompt = prompt }, new ClaudeCodeAgentOptions()).ToList();

        Assert.Equal(Path.Combine("config", ClaudeCodeStartInfo.SystemPromptFileName), arguments[arguments.IndexOf("--system-prompt-file") + 1]);
        Assert.DoesNotContain("--system-prompt", arguments);
        Assert.True(arguments.Sum(a => a.Length) < 1_000);
    }

    [Fact]
    public void None_of_the_executors_secrets_reach_the_agent()
    {
        var environment = Environment(("WEGENT_AUTH_TOKEN", "t"), ("GIT_TOKEN_AES_KEY", "k"), ("GIT_TOKEN_AES_IV", "i"), ("KEEP", "x"));

        ClaudeCodeStartInfo.ApplyEnvironment(environment, Request, new ClaudeCodeAgentOptions(), Marker, isRoot: false);

        Assert.DoesNotContain(environment.Keys, name => name is "WEGENT_AUTH_TOKEN" or "GIT_TOKEN_AES_KEY" or "GIT_TOKEN_AES_IV");
        Assert.Equal("x", environment["KEEP"]);
    }

    /// <summary>Issue 12 item 6: under bubblewrap the executor's home is hidden, only the task's folder is writable and
    /// the CLI has a PID namespace of its own (no /proc/&lt;executor&gt;/environ).</summary>
    [Fact]
    public void The_sandbox_wraps_the_cli_hiding_the_executor_home_and_leaving_the_task_folder_writable()
    {
        var home = Directory.CreateTempSubdirectory("wegent-sandbox-args-");
        try
        {
            var task = Path.Combine(home.FullName, "workspace", "7");
            var request = Request with
            {
                TaskDirectory = task,
                WorkingDirectory = Path.Combine(task, "repo", "app"),
                ConfigDirectory = Path.Combine(task, ".claude"),
            };
            var sandbox = new BubblewrapSandbox("/usr/bin/bwrap", [home.FullName, Path.Combine(home.FullName, "missing")]);

            var start = ClaudeCodeStartInfo.Create("/opt/claude", request, new ClaudeCodeAgentOptions(), Marker, isRoot: false, sandbox);
            var arguments = start.ArgumentList.ToList();

            Assert.Equal("/usr/bin/bwrap", start.FileName);
            Assert.Contains("--unshare-pid", arguments);
            Assert.Equal(["--tmpfs", home.FullName], arguments.Skip(arguments.IndexOf(home.FullName) - 1).Take(2));
            Assert.DoesNotContain(Path.Combine(home.FullName, "missing"), arguments);
            Assert.True(arguments.IndexOf("--bind") > arguments.IndexOf(home.FullName), "the task folder is bound after the home is hidden");
            Assert.Equal(["--bind", task, task], arguments.Skip(arguments.IndexOf("--bind")).Take(3));
            Assert.Equal(["--", "/opt/claude", "-p"], arguments.Skip(arguments.IndexOf("--")).Take(3));
            Assert.Equal(BubblewrapSandbox.PrivateTemporaryDirectory, start.Environment["CLAUDE_CODE_TMPDIR"]);
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    /// <summary>The sandbox's private /tmp hid a CLI installed in a checkout under /tmp: the agent could not start.</summary>
    [Fact]
    public void A_cli_installed_under_tmp_stays_in_the_sandboxs_sight_read_only_and_its_home_stays_hidden()
    {
        var root = Directory.CreateDirectory(Path.Combine(BubblewrapSandbox.PrivateTemporaryDirectory, "wegent-sandbox-cli-" + Guid.NewGuid().ToString("N")));
        try
        {
            var modules = Path.Combine(root.FullName, ".tools", "node_modules");
            var package = Directory.CreateDirectory(Path.Combine(modules, "@anthropic-ai", "claude-code")).FullName;
            File.WriteAllText(Path.Combine(package, "cli.js"), "");
            var command = Path.Combine(Directory.CreateDirectory(Path.Combine(modules, ".bin")).FullName, "claude");
            File.CreateSymbolicLink(command, Path.Combine("..", "@anthropic-ai", "claude-code", "cli.js"));
            var home = Directory.CreateDirectory(Path.Combine(root.FullName, "home")).FullName;
            var sandbox = new BubblewrapSandbox("/usr/bin/bwrap", [home]);

            var arguments = ClaudeCodeStartInfo.Create(command, Request, new ClaudeCodeAgentOptions(), Marker, isRoot: false, sandbox).ArgumentList.ToList();

            Assert.Equal(["--ro-bind", modules, modules], arguments.Skip(arguments.IndexOf(modules) - 1).Take(3));
            Assert.Equal(2, arguments.Count(argument => argument == modules));
            Assert.True(arguments.IndexOf(modules) > arguments.IndexOf(BubblewrapSandbox.PrivateTemporaryDirectory), "bound after /tmp is made private");
            Assert.True(arguments.IndexOf(home) > arguments.IndexOf(modules), "the executor's home is hidden after");
            Assert.Empty(BubblewrapSandbox.ProgramFoldersUnderTemporary("/opt/claude"));
            Assert.Equal(["/tmp/claude"], BubblewrapSandbox.ProgramFoldersUnderTemporary("/tmp/claude"));
            Assert.Equal(["/tmp/bin"], BubblewrapSandbox.ProgramFoldersUnderTemporary("/tmp/bin/claude"));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static Dictionary<string, string?> Environment(params (string Name, string Value)[] entries) =>
        entries.ToDictionary(e => e.Name, e => (string?)e.Value);
}
