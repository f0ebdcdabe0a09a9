using Wegent.Executor.Cli;
using Wegent.Executor.Configuration;
using Wegent.Executor.Service;
using Wegent.Executor.Tests.Configuration;
using Wegent.Executor.Tests.Service;

namespace Wegent.Executor.Tests.Cli;

public sealed class SubcommandTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private readonly FakeCommandRunner _runner = new();
    private LoadedConfiguration? _ranWith;

    public void Dispose() => _temp.Dispose();

    private Dictionary<string, string> Environment(bool configured = true)
    {
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = _temp.Path,
            ["PATH"] = "/opt/tools/bin:/usr/bin",
            ["WEGENT_EXECUTOR_HOME"] = _temp.Combine("home"),
        };
        if (configured)
        {
            environment["WEGENT_BACKEND_URL"] = "http://127.0.0.1:1";
            environment["WEGENT_AUTH_TOKEN"] = "token";
        }

        return environment;
    }

    private Task<int> Run(string[] args, Dictionary<string, string> environment) =>
        ExecutorCommandLine.ParseAndInvokeAsync(
            args,
            (loaded, _) =>
            {
                _ranWith = loaded;
                return Task.FromResult(0);
            },
            environment,
            _output,
            _error,
            handleTermination: false,
            CancellationToken.None,
            _runner);

    [Fact]
    public async Task Once_is_passed_to_the_executor_and_off_by_default()
    {
        await Run([], Environment());
        Assert.False(_ranWith!.Options.RunOnce);

        await Run(["--once"], Environment());
        Assert.True(_ranWith!.Options.RunOnce);
    }

    [Fact]
    public async Task Doctor_prints_one_line_per_check_and_exits_1_when_one_fails()
    {
        var exitCode = await Run(["doctor", "--claude-cli", "no-such-claude"], Environment(configured: false));

        Assert.Equal(1, exitCode);
        var lines = _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(9, lines.Length);
        Assert.StartsWith("✗ Configuration: WEGENT_BACKEND_URL is not set", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, line => line.StartsWith("✗ Claude Code CLI: 'no-such-claude' not found", StringComparison.Ordinal));
        Assert.StartsWith("✗ Workspace: not checked", lines[^2], StringComparison.Ordinal);
        Assert.StartsWith("✗ Logs: not checked", lines[^1], StringComparison.Ordinal);
        Assert.Null(_ranWith);
    }

    [Fact]
    public async Task Doctor_takes_the_settings_options_like_the_executor()
    {
        await Run(["doctor", "--backend-url", "http://127.0.0.1:1", "--token", "t"], Environment(configured: false));

        Assert.StartsWith("✓ Configuration: backend http://127.0.0.1:1/", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_install_writes_the_configured_home_and_PATH_into_the_unit()
    {
        if (!OperatingSystem.IsLinux()) return; // the systemd unit is the Linux service definition; launchd has its own tests

        var exitCode = await Run(["service", "install"], Environment());

        Assert.Equal(0, exitCode);
        var unit = File.ReadAllText(SystemdUserUnit.FilePath(_temp.Path, null));
        Assert.Contains("Environment=\"PATH=/opt/tools/bin:/usr/bin\"", unit, StringComparison.Ordinal);
        Assert.DoesNotContain("EnvironmentFile", unit, StringComparison.Ordinal);
        Assert.Contains("systemctl --user restart wegent-executor.service", _runner.Commands);
    }

    [Fact]
    public async Task Service_install_refuses_an_incomplete_configuration_with_exit_2()
    {
        var exitCode = await Run(["service", "install"], Environment(configured: false));

        Assert.Equal(2, exitCode);
        Assert.Contains("config.env", _error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_runner.Commands);
    }
}
