using Wegent.Executor.Configuration;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Tests.Configuration;

public sealed class ConfigurationLoaderTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Home => _temp.Combine("home");

    private Dictionary<string, string> Environment(params (string Key, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = _temp.Path,
            ["WEGENT_EXECUTOR_HOME"] = Home,
            ["WEGENT_BACKEND_URL"] = "http://localhost:8000",
            ["WEGENT_AUTH_TOKEN"] = "token-from-env",
        };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        return environment;
    }

    private static Dictionary<string, string?> NoCommandLine() => [];

    private void WriteConfigEnv(params string[] lines)
    {
        Directory.CreateDirectory(Home);
        File.WriteAllLines(Path.Combine(Home, ConfigEnvFile.FileName), lines);
    }

    private static string ErrorOf(Action load) => Assert.Throws<ConfigurationException>(load).Message;

    [Fact]
    public void Defaults_apply_when_only_the_required_settings_are_given()
    {
        var options = ConfigurationLoader.Load(NoCommandLine(), Environment()).Options;

        Assert.Equal(new Uri("http://localhost:8000"), options.BackendUrl);
        Assert.Equal(Path.GetFullPath(Home), options.Home);
        Assert.Equal(Path.Combine(Path.GetFullPath(Home), "workspace"), options.WorkspaceRoot);
        Assert.Equal(Path.Combine(Path.GetFullPath(Home), "logs"), options.LogDirectory);
        Assert.Equal("executor.log", options.LogFileName);
        Assert.Equal(10L * 1024 * 1024, options.LogMaxFileBytes);
        Assert.Equal(5, options.LogBackupCount);
        Assert.Equal(ExecutorLogLevel.Info, options.LogLevel);
        Assert.Equal(TimeSpan.FromSeconds(30), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(90), options.HeartbeatTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ReconnectDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ReconnectMaxDelay);
        Assert.Null(options.AnthropicApiKey);
        Assert.True(options.SkillClearCache);
        Assert.Equal(1, options.MaxConcurrentTasks);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.ProgressInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.GracefulShutdownTimeout);
        Assert.Equal("claude", options.ClaudeCliPath);
        Assert.Equal("bypassPermissions", options.PermissionMode);
        Assert.Equal(TimeSpan.FromSeconds(1800), options.AgentIdleTimeout);
        Assert.Equal(2, options.AgentMaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(600), options.AgentApiTimeout);
        Assert.Null(options.ResultProtocol);
    }

    [Fact]
    public void Home_defaults_to_dot_wegent_executor_under_the_users_home()
    {
        var environment = Environment();
        environment.Remove("WEGENT_EXECUTOR_HOME");

        var options = ConfigurationLoader.Load(NoCommandLine(), environment).Options;

        Assert.Equal(Path.Combine(_temp.Path, ".wegent-executor"), options.Home);
    }

    [Fact]
    public void Tilde_in_a_path_is_the_home_from_the_environment_dictionary()
    {
        var options = ConfigurationLoader.Load(NoCommandLine(), Environment(("LOCAL_WORKSPACE_ROOT", "~/work"))).Options;

        Assert.Equal(Path.Combine(_temp.Path, "work"), options.WorkspaceRoot);
    }

    [Fact]
    public void Precedence_is_command_line_then_environment_then_config_env_then_default()
    {
        WriteConfigEnv(
            "LOCAL_HEARTBEAT_INTERVAL=11",
            "LOCAL_RECONNECT_DELAY=2",
            "LOCAL_MAX_CONCURRENT_TASKS=3");
        var environment = Environment(("LOCAL_HEARTBEAT_INTERVAL", "12"), ("LOCAL_RECONNECT_DELAY", "4"));
        var commandLine = new Dictionary<string, string?> { ["LOCAL_HEARTBEAT_INTERVAL"] = "13" };

        var options = ConfigurationLoader.Load(commandLine, environment).Options;

        Assert.Equal(TimeSpan.FromSeconds(13), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(4), options.ReconnectDelay);
        Assert.Equal(3, options.MaxConcurrentTasks);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.ProgressInterval);
    }

    [Fact]
    public void Home_from_the_command_line_decides_which_config_env_is_read()
    {
        var otherHome = _temp.Combine("other");
        Directory.CreateDirectory(otherHome);
        File.WriteAllLines(Path.Combine(otherHome, ConfigEnvFile.FileName), ["LOCAL_MAX_CONCURRENT_TASKS=7"]);
        WriteConfigEnv("LOCAL_MAX_CONCURRENT_TASKS=2");

        var options = ConfigurationLoader.Load(new Dictionary<string, string?> { ["WEGENT_EXECUTOR_HOME"] = otherHome }, Environment()).Options;

        Assert.Equal(7, options.MaxConcurrentTasks);
    }

    [Fact]
    public void Required_settings_may_come_from_config_env()
    {
        WriteConfigEnv("export WEGENT_BACKEND_URL=\"https://wegent.example\"", "WEGENT_AUTH_TOKEN='file-token'");
        var environment = Environment();
        environment.Remove("WEGENT_BACKEND_URL");
        environment.Remove("WEGENT_AUTH_TOKEN");

        var options = ConfigurationLoader.Load(NoCommandLine(), environment).Options;

        Assert.Equal(new Uri("https://wegent.example"), options.BackendUrl);
        Assert.Equal("file-token", options.AuthToken);
    }

    [Fact]
    public void Unknown_config_env_keys_are_ignored_with_a_debug_note()
    {
        WriteConfigEnv("# comment", "SOMETHING_ELSE=1");

        var loaded = ConfigurationLoader.Load(NoCommandLine(), Environment());

        var note = Assert.Single(loaded.DebugNotes);
        Assert.Contains("SOMETHING_ELSE", note, StringComparison.Ordinal);
        Assert.Contains("line 2", note, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_config_env_line_names_the_file_and_line()
    {
        WriteConfigEnv("LOG_LEVEL=DEBUG", "", "this is not an assignment");

        var message = ErrorOf(() => ConfigurationLoader.Load(NoCommandLine(), Environment()));

        Assert.Contains(Path.Combine(Home, ConfigEnvFile.FileName), message, StringComparison.Ordinal);
        Assert.Contains("line 3", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_value_from_config_env_says_where_it_came_from()
    {
        WriteConfigEnv("LOCAL_HEARTBEAT_INTERVAL=soon");

        var message = ErrorOf(() => ConfigurationLoader.Load(NoCommandLine(), Environment()));

        Assert.StartsWith("LOCAL_HEARTBEAT_INTERVAL=soon (from ", message, StringComparison.Ordinal);
        Assert.Contains("line 1", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Heartbeat_interval_with_a_unit_is_rejected_with_one_exact_line()
    {
        var message = ErrorOf(() => ConfigurationLoader.Load(NoCommandLine(), Environment(("LOCAL_HEARTBEAT_INTERVAL", "30s"))));

        Assert.Equal("LOCAL_HEARTBEAT_INTERVAL=30s is not valid: expected a number of seconds greater than 0 (e.g. 30)", message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void Seconds_must_be_a_finite_number_greater_than_zero(string value)
    {
        var message = ErrorOf(() => ConfigurationLoader.Load(NoCommandLine(), Environment(("LOCAL_RECONNECT_DELAY", value))));

        Assert.StartsWith($"LOCAL_RECONNECT_DELAY={value} is not valid", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seconds_may_be_fractional()
    {
        var options = ConfigurationLoader.Load(NoCommandLine(), Environment(("LOCAL_RECONNECT_DELAY", "0.5"))).Options;

        Assert.Equal(TimeSpan.FromMilliseconds(500), options.ReconnectDelay);
    }

    [Fact]
    public void Backend_url_without_a_scheme_is_rejected()
    {
        var message = ErrorOf(() => ConfigurationLoader.Load(NoCommandLine(), Environment(("WEGENT_BACKEND_URL", "localhost"))));

        Assert.Equal("WEGENT_BACKEND_URL=localhost is not valid: expected the backend's http(s) URL, e.g. http://localhost:8000", message);
    }

    [Theory]
    [InlineData("localhost:8000")]
    [InlineData("ftp://localhost")]
    public void Backend_url_with_another_scheme_is_rejected(string value)
    {
        var message = ErrorOf(() => ConfigurationLoader.Load(NoCommandLine(), Environment(("WEGENT_BACKEND_URL", value))));

        Assert.StartsWith($"WEGENT_BACKEND_URL={value} is not valid", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_backend_url_is_reported()
    {
        var environment = Environment();
        environment.Remove("WEGENT_BACKEND_URL");

        var message = ErrorOf(() => ConfigurationLoader.Load(NoCommandLine(), environment));

        Assert.Equal("WEGENT_BACKEND_URL is not set: expected the backend's http(s) URL, e.g. http://localhost:8000", message);
    }

    [Fact]
    public void Missing_token_is_reported()
    {
        var environment = Environment(("WEGENT_AUTH_TOKEN", "   "));

        var message = ErrorOf(() => ConfigurationLoader.Load(NoCommandLine(), environment));

        Assert.StartsWith("WEGENT_AUTH_TOKEN is not set: expected ", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Executor_mode_other_than_local_is_rejected()
    {
        var message = ErrorOf(() => ConfigurationLoader.Load(NoCommandLine(), Environment(("EXECUTOR_MODE", "docker"))));

        Assert.Equal("EXECUTOR_MODE=docker is not valid: expected one of local", message);
    }

    [Fact]
    public void Executor_mode_local_is_accepted()
    {
        var loaded = ConfigurationLoader.Load(NoCommandLine(), Environment(("EXECUTOR_MODE", "local")));

        Assert.Empty(loaded.Warnings);
    }

    [Theory]
    [InlineData("Bearer abc.def.ghi", "abc.def.ghi")]
    [InlineData("  bearer   abc.def.ghi  ", "abc.def.ghi")]
    [InlineData("BEARER abc", "abc")]
    [InlineData(" abc ", "abc")]
    [InlineData("wg-3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e", "wg-3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e")]
    [InlineData("Bearer wg-3f2a9c0d4e5b", "wg-3f2a9c0d4e5b")]
    public void Bearer_prefix_and_whitespace_are_stripped_from_the_token(string given, string expected)
    {
        var options = ConfigurationLoader.Load(NoCommandLine(), Environment(("WEGENT_AUTH_TOKEN", given))).Options;

        Assert.Equal(expected, options.AuthToken);
    }

    [Theory]
    [InlineData("ws://backend:8000/x", "http://backend:8000/x")]
    [InlineData("wss://backend.example", "https://backend.example/")]
    public void Websocket_urls_are_mapped_to_http_with_a_warning(string given, string expected)
    {
        var loaded = ConfigurationLoader.Load(NoCommandLine(), Environment(("WEGENT_BACKEND_URL", given)));

        Assert.Equal(new Uri(expected), loaded.Options.BackendUrl);
        Assert.Contains(loaded.Warnings, warning => warning.Contains($"using {expected.TrimEnd('/')}", StringComparison.Ordinal));
    }

    /// <summary>Issue 12 item 12: http:// to another machine sends the token in clear.</summary>
    [Theory]
    [InlineData("http://backend.example:8000", true)]
    [InlineData("http://10.0.0.5", true)]
    [InlineData("https://backend.example", false)]
    [InlineData("http://localhost:8000", false)]
    [InlineData("http://127.0.0.1:8000", false)]
    [InlineData("http://[::1]:8000", false)]
    public void Plain_http_to_another_machine_is_warned_about_once(string url, bool warned)
    {
        var loaded = ConfigurationLoader.Load(NoCommandLine(), Environment(("WEGENT_BACKEND_URL", url)));

        Assert.Equal(warned ? 1 : 0, loaded.Warnings.Count(w => w.Contains("travel unencrypted", StringComparison.Ordinal)));
    }

    /// <summary>Issue 12 item 4: <c>--token</c> showed the token to every local user in <c>ps</c>.</summary>
    [Fact]
    public void A_token_on_the_command_line_is_warned_about_and_a_token_file_or_standard_input_is_offered()
    {
        var tokenFile = _temp.Combine("token");
        File.WriteAllText(tokenFile, "Bearer from-file\n");
        var environment = Environment();
        environment.Remove("WEGENT_AUTH_TOKEN");

        var onCommandLine = ConfigurationLoader.Load(new Dictionary<string, string?> { ["WEGENT_AUTH_TOKEN"] = "from-argv" }, environment);
        var fromFile = ConfigurationLoader.Load(new Dictionary<string, string?> { ["WEGENT_AUTH_TOKEN_FILE"] = tokenFile }, environment);
        var fromStdin = ConfigurationLoader.Load(new Dictionary<string, string?> { ["WEGENT_AUTH_TOKEN_FILE"] = "-" }, environment,
            new StringReader("from-stdin\nnext line\n"));

        Assert.Equal("from-argv", onCommandLine.Options.AuthToken);
        Assert.Contains(onCommandLine.Warnings, w => w.StartsWith("--token puts the token in the process list", StringComparison.Ordinal));
        Assert.Equal("from-file", fromFile.Options.AuthToken);
        Assert.Equal("from-stdin", fromStdin.Options.AuthToken);
        Assert.DoesNotContain(fromFile.Warnings.Concat(fromStdin.Warnings), w => w.Contains("process list", StringComparison.Ordinal));
    }

    [Fact]
    public void A_token_file_given_in_a_more_important_place_wins_and_a_missing_one_is_reported()
    {
        var tokenFile = _temp.Combine("token");
        File.WriteAllText(tokenFile, "from-file");
        WriteConfigEnv("WEGENT_AUTH_TOKEN=from-config-env");
        var environment = Environment();
        environment.Remove("WEGENT_AUTH_TOKEN");

        var options = ConfigurationLoader.Load(new Dictionary<string, string?> { ["WEGENT_AUTH_TOKEN_FILE"] = tokenFile }, environment).Options;
        var message = ErrorOf(() => ConfigurationLoader.Load(new Dictionary<string, string?> { ["WEGENT_AUTH_TOKEN_FILE"] = _temp.Combine("nope") }, environment));

        Assert.Equal("from-file", options.AuthToken);
        Assert.StartsWith($"WEGENT_AUTH_TOKEN_FILE={_temp.Combine("nope")} (from --token-file) is not valid: expected a readable file holding the token", message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Security_settings_are_read_from_config_env_like_the_others()
    {
        WriteConfigEnv(
            "GIT_TOKEN_AES_KEY=0123456789abcdef0123456789abcdef", "GIT_TOKEN_AES_IV=0123456789abcdef", "ANTHROPIC_BASE_URL=https://gateway.example/anthropic",
            "LOCAL_AGENT_ENV_ALLOW=AWS_REGION, MY_KEY", "LOCAL_TRUST_REPOSITORY_SETTINGS=true", "LOCAL_AGENT_SANDBOX=bwrap");

        var options = ConfigurationLoader.Load(NoCommandLine(), Environment()).Options;

        Assert.Equal("0123456789abcdef0123456789abcdef", options.GitTokenAesKey);
        Assert.Equal("0123456789abcdef", options.GitTokenAesIv);
        Assert.Equal("https://gateway.example/anthropic", options.AnthropicBaseUrl);
        Assert.Equal(["AWS_REGION", "MY_KEY"], options.AgentEnvAllow.Order(StringComparer.Ordinal));
        Assert.True(options.TrustRepositorySettings);
        Assert.Equal("bwrap", options.AgentSandbox);
    }

    [Theory]
    [InlineData("ANTHROPIC_BASE_URL", "api.anthropic.com")]
    [InlineData("LOCAL_AGENT_ENV_ALLOW", "A B")]
    [InlineData("LOCAL_AGENT_SANDBOX", "docker")]
    public void Bad_security_settings_are_rejected(string name, string value)
    {
        var message = ErrorOf(() => ConfigurationLoader.Load(NoCommandLine(), Environment((name, value))));

        Assert.StartsWith($"{name}={value} is not valid: expected ", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("1", true)]
    [InlineData("TRUE", true)]
    [InlineData("no", false)]
    [InlineData("0", false)]
    [InlineData("False", false)]
    public void Booleans_accept_true_false_one_zero_yes_no(string value, bool expected)
    {
        var options = ConfigurationLoader.Load(NoCommandLine(), Environment(("SKILL_CLEAR_CACHE", value))).Options;

        Assert.Equal(expected, options.SkillClearCache);
    }

    [Fact]
    public void Bad_boolean_is_rejected()
    {
        var message = ErrorOf(() => ConfigurationLoader.Load(NoCommandLine(), Environment(("SKILL_CLEAR_CACHE", "maybe"))));

        Assert.StartsWith("SKILL_CLEAR_CACHE=maybe is not valid: expected true or false", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", 1024 * 1024)]
    [InlineData("0.05", 52429)]
    [InlineData("2.5", 5 * 512 * 1024)]
    [InlineData("0.001", 1049)]
    public void The_log_size_accepts_decimal_megabytes(string value, long expectedBytes)
    {
        var options = ConfigurationLoader.Load(NoCommandLine(), Environment(("WEGENT_EXECUTOR_LOG_MAX_SIZE", value))).Options;

        Assert.Equal(expectedBytes, options.LogMaxFileBytes);
    }

    [Fact]
    public void A_bad_log_size_says_decimals_are_allowed_and_the_range()
    {
        var message = ErrorOf(() => ConfigurationLoader.Load(NoCommandLine(), Environment(("WEGENT_EXECUTOR_LOG_MAX_SIZE", "0"))));

        Assert.Equal("WEGENT_EXECUTOR_LOG_MAX_SIZE=0 is not valid: expected a number of megabytes from 0.001 to 10240, decimals allowed (e.g. 10 or 0.5)", message);
    }

    [Theory]
    [InlineData("debug", ExecutorLogLevel.Debug)]
    [InlineData("INFO", ExecutorLogLevel.Info)]
    [InlineData("WARNING", ExecutorLogLevel.Warning)]
    [InlineData("error", ExecutorLogLevel.Error)]
    public void Log_levels_are_read_case_insensitively(string value, ExecutorLogLevel expected)
    {
        var options = ConfigurationLoader.Load(NoCommandLine(), Environment(("LOG_LEVEL", value))).Options;

        Assert.Equal(expected, options.LogLevel);
    }

    [Theory]
    [InlineData("LOG_LEVEL", "TRACE")]
    [InlineData("WEGENT_EXECUTOR_LOG_MAX_SIZE", "0")]
    [InlineData("WEGENT_EXECUTOR_LOG_MAX_SIZE", "ten")]
    [InlineData("WEGENT_EXECUTOR_LOG_MAX_SIZE", "-0.5")]
    [InlineData("WEGENT_EXECUTOR_LOG_MAX_SIZE", "0.0001")]
    [InlineData("WEGENT_EXECUTOR_LOG_MAX_SIZE", "NaN")]
    [InlineData("WEGENT_EXECUTOR_LOG_MAX_SIZE", "0,5")]
    [InlineData("WEGENT_EXECUTOR_LOG_MAX_SIZE", "20000")]
    [InlineData("WEGENT_EXECUTOR_LOG_BACKUP_COUNT", "-1")]
    [InlineData("LOCAL_MAX_CONCURRENT_TASKS", "0")]
    [InlineData("LOCAL_MAX_CONCURRENT_TASKS", "1000")]
    [InlineData("LOCAL_PROGRESS_INTERVAL_MS", "0.5")]
    [InlineData("WEGENT_CLAUDE_PERMISSION_MODE", "yolo")]
    [InlineData("WEGENT_RESULT_PROTOCOL", "january")]
    [InlineData("WEGENT_EXECUTOR_LOG_FILE", "../escape.log")]
    [InlineData("LOCAL_AGENT_IDLE_TIMEOUT", "99999999")]
    [InlineData("LOCAL_AGENT_MAX_RETRIES", "-1")]
    [InlineData("LOCAL_AGENT_API_TIMEOUT", "0")]
    public void Out_of_range_or_malformed_values_are_rejected_naming_the_variable(string name, string value)
    {
        var message = ErrorOf(() => ConfigurationLoader.Load(NoCommandLine(), Environment((name, value))));

        Assert.StartsWith($"{name}={value} is not valid: expected ", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("Legacy", ResultProtocol.Legacy)]
    [InlineData("RESPONSES", ResultProtocol.Responses)]
    public void The_result_protocol_is_auto_or_a_forced_style(string value, ResultProtocol? expected)
    {
        WriteConfigEnv($"WEGENT_RESULT_PROTOCOL={value}");

        Assert.Equal(expected, ConfigurationLoader.Load(NoCommandLine(), Environment()).Options.ResultProtocol);
    }

    [Fact]
    public void Backup_count_zero_is_allowed()
    {
        var options = ConfigurationLoader.Load(NoCommandLine(), Environment(("WEGENT_EXECUTOR_LOG_BACKUP_COUNT", "0"))).Options;

        Assert.Equal(0, options.LogBackupCount);
    }

    [Fact]
    public void Reconnect_max_delay_below_the_delay_is_rejected()
    {
        var message = ErrorOf(() => ConfigurationLoader.Load(
            NoCommandLine(),
            Environment(("LOCAL_RECONNECT_DELAY", "10"), ("LOCAL_RECONNECT_MAX_DELAY", "5"))));

        Assert.StartsWith("LOCAL_RECONNECT_MAX_DELAY=5 is not valid: expected", message, StringComparison.Ordinal);
        Assert.Contains("LOCAL_RECONNECT_DELAY", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Heartbeat_timeout_not_above_the_interval_is_rejected()
    {
        var message = ErrorOf(() => ConfigurationLoader.Load(NoCommandLine(), Environment(("LOCAL_HEARTBEAT_INTERVAL", "90"))));

        Assert.StartsWith("LOCAL_HEARTBEAT_INTERVAL=90 is not valid: expected LOCAL_HEARTBEAT_TIMEOUT (90 s) to be greater than", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_line_origin_is_named_in_errors()
    {
        var commandLine = new Dictionary<string, string?> { ["LOCAL_HEARTBEAT_TIMEOUT"] = "x" };

        var message = ErrorOf(() => ConfigurationLoader.Load(commandLine, Environment()));

        Assert.StartsWith("LOCAL_HEARTBEAT_TIMEOUT=x (from --heartbeat-timeout) is not valid", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_setting_has_a_distinct_variable_and_option_and_a_description()
    {
        Assert.Equal(KnownSettings.All.Count, KnownSettings.All.Select(s => s.EnvironmentVariable).Distinct().Count());
        Assert.Equal(KnownSettings.All.Count, KnownSettings.All.Select(s => s.OptionName).Distinct().Count());
        Assert.All(KnownSettings.All, s => Assert.StartsWith("--", s.OptionName, StringComparison.Ordinal));
        Assert.All(KnownSettings.All, s => Assert.False(string.IsNullOrWhiteSpace(s.Description)));
        Assert.All(KnownSettings.All, s => Assert.NotNull(s));
    }
}
