using Wegent.Executor.Cli;
using Wegent.Executor.Configuration;
using Wegent.Executor.Processes;
using Wegent.Executor.Tests.Configuration;

namespace Wegent.Executor.Tests.Cli;

public sealed class ExecutorCommandLineTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private LoadedConfiguration? _ranWith;

    public void Dispose() => _temp.Dispose();

    private Dictionary<string, string> Environment(params (string Key, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = _temp.Path,
            ["WEGENT_EXECUTOR_HOME"] = _temp.Combine("home"),
            ["WEGENT_BACKEND_URL"] = "http://localhost:8000",
            ["WEGENT_AUTH_TOKEN"] = "token",
        };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        return environment;
    }

    private Task<int> Run(string[] args, Dictionary<string, string> environment, CancellationToken cancellationToken = default) =>
        ExecutorCommandLine.ParseAndInvokeAsync(
            args,
            (loaded, _) =>
            {
                _ranWith = loaded;
                return Task.FromResult(42);
            },
            environment,
            _output,
            _error,
            handleTermination: false,
            cancellationToken);

    [Fact]
    public async Task Runs_the_executor_with_options_from_the_command_line_over_the_environment()
    {
        var exitCode = await Run(["--heartbeat-interval", "5", "--log-level", "debug"], Environment(("LOCAL_HEARTBEAT_INTERVAL", "20")));

        Assert.Equal(42, exitCode);
        Assert.NotNull(_ranWith);
        Assert.Equal(TimeSpan.FromSeconds(5), _ranWith.Options.HeartbeatInterval);
        Assert.Equal(ExecutorLogLevel.Debug, _ranWith.Options.LogLevel);
        Assert.Equal("", _error.ToString());
    }

    [Fact]
    public async Task Passes_configuration_warnings_to_the_executor()
    {
        await Run(["--backend-url", "ws://localhost:8000"], Environment());

        Assert.NotNull(_ranWith);
        Assert.Equal(new Uri("http://localhost:8000"), _ranWith.Options.BackendUrl);
        Assert.Single(_ranWith.Warnings);
    }

    [Fact]
    public async Task Bad_configuration_prints_one_line_to_stderr_and_exits_2()
    {
        var exitCode = await Run([], Environment(("LOCAL_HEARTBEAT_INTERVAL", "30s")));

        Assert.Equal(ExitCodes.BadConfiguration, exitCode);
        Assert.Null(_ranWith);
        Assert.Equal(
            "LOCAL_HEARTBEAT_INTERVAL=30s is not valid: expected a number of seconds greater than 0 (e.g. 30)" + System.Environment.NewLine,
            _error.ToString());
        Assert.Equal("", _output.ToString());
    }

    [Fact]
    public async Task Missing_url_exits_2()
    {
        var environment = Environment();
        environment.Remove("WEGENT_BACKEND_URL");

        Assert.Equal(ExitCodes.BadConfiguration, await Run([], environment));
        Assert.StartsWith("WEGENT_BACKEND_URL is not set", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_option_exits_2_without_running()
    {
        var exitCode = await Run(["--no-such-option"], Environment());

        Assert.Equal(ExitCodes.BadConfiguration, exitCode);
        Assert.Null(_ranWith);
        Assert.Contains("--no-such-option", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_prints_the_version_without_the_commit_suffix()
    {
        var exitCode = await Run(["--version"], Environment());

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Null(_ranWith);
        Assert.Equal(ExecutorVersion.Current + System.Environment.NewLine, _output.ToString());
        Assert.Matches(@"^\d+\.\d+\.\d+[^+]*$", ExecutorVersion.Current);
    }

    [Theory]
    [InlineData("0.1.0+0123abcd", "0.1.0")]
    [InlineData("1.2.3-beta.1+sha", "1.2.3-beta.1")]
    [InlineData("2.0.0", "2.0.0")]
    public void Informational_version_loses_its_build_metadata(string informational, string expected)
    {
        Assert.Equal(expected, ExecutorVersion.FromInformationalVersion(informational));
    }

    [Fact]
    public async Task Help_lists_every_option_and_every_environment_variable_with_its_default()
    {
        var exitCode = await Run(["--help"], Environment());

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Null(_ranWith);
        var help = _output.ToString();
        foreach (var setting in KnownSettings.All)
        {
            Assert.Contains(setting.OptionName, help, StringComparison.Ordinal);
            Assert.Contains($"  {setting.EnvironmentVariable} ", help, StringComparison.Ordinal);
        }

        Assert.Contains("(default: 30)", help, StringComparison.Ordinal);
        Assert.Contains("(default: ~/.wegent-executor)", help, StringComparison.Ordinal);
        Assert.Contains("--version", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_works_without_any_configuration()
    {
        Assert.Equal(ExitCodes.Ok, await Run(["--help"], []));
        Assert.Contains("WEGENT_AUTH_TOKEN", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_reaches_the_executor()
    {
        using var cancellation = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var run = ExecutorCommandLine.ParseAndInvokeAsync(
            [],
            async (_, token) =>
            {
                started.SetResult();
                await Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default);
                return token.IsCancellationRequested ? 7 : 0;
            },
            Environment(),
            _output,
            _error,
            handleTermination: false,
            cancellation.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancellation.CancelAsync();

        Assert.Equal(7, await run.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
