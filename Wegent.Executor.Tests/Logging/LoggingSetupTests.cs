using Wegent.Executor.Configuration;
using Wegent.Executor.Logging;
using Wegent.Executor.Tests.Configuration;

namespace Wegent.Executor.Tests.Logging;

[CollectionDefinition(nameof(ConsoleOutputCollection), DisableParallelization = true)]
public sealed class ConsoleOutputCollection;

/// <summary>These tests redirect Console.Out, which the console sink writes to, so they run alone.</summary>
[Collection(nameof(ConsoleOutputCollection))]
public sealed class LoggingSetupTests : IDisposable
{
    private const string Token = "tok-SECRET-123456";
    private readonly TemporaryDirectory _temp = new();
    private readonly TextWriter _originalOut = Console.Out;
    private readonly StringWriter _console = new();

    public LoggingSetupTests() => Console.SetOut(_console);

    public void Dispose()
    {
        Console.SetOut(_originalOut);
        _temp.Dispose();
    }

    private ExecutorOptions Options(ExecutorLogLevel level = ExecutorLogLevel.Info, string? logDirectory = null) => new()
    {
        BackendUrl = new Uri("http://localhost:8000"),
        AuthToken = Token,
        Home = _temp.Path,
        WorkspaceRoot = _temp.Combine("workspace"),
        LogDirectory = logDirectory ?? _temp.Combine("logs"),
        LogLevel = level,
        DebugLogging = level == ExecutorLogLevel.Debug,
    };

    [Fact]
    public void Writes_masked_lines_to_the_log_file_and_the_console()
    {
        var options = Options();
        using (var logging = LoggingSetup.Create(options, SecretMasker.For(options)))
        {
            Assert.Null(logging.FileLoggingFailure);
            logging.Logger.ForComponent("connection").Information("Connecting with token {Token}", Token);
            logging.Logger.Debug("hidden at INFO");
        }

        var fileLine = Assert.Single(File.ReadAllLines(options.LogFilePath));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - \[connection\] - INFO - Connecting with token \*\*\*$", fileLine);
        Assert.Contains(fileLine, _console.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, _console.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hidden at INFO", _console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_in_exceptions_are_masked_too()
    {
        var options = Options();
        using (var logging = LoggingSetup.Create(options, SecretMasker.For(options)))
        {
            logging.Logger.Error(new InvalidOperationException($"refused {Token}"), "Failed");
        }

        var content = File.ReadAllText(options.LogFilePath);
        Assert.Contains("refused ***", content, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, content, StringComparison.Ordinal);
    }

    [Fact]
    public void Debug_level_enables_debug_lines()
    {
        var options = Options(ExecutorLogLevel.Debug);
        using (var logging = LoggingSetup.Create(options, SecretMasker.For(options)))
        {
            logging.Logger.Debug("visible at DEBUG");
        }

        Assert.Contains(" - DEBUG - visible at DEBUG", File.ReadAllText(options.LogFilePath), StringComparison.Ordinal);
    }

    [Fact]
    public void Unusable_log_directory_falls_back_to_console_with_the_troubleshooting_block()
    {
        // A regular file where a parent directory should be: fails even for root, unlike permissions.
        var blocker = _temp.Combine("not-a-directory");
        File.WriteAllText(blocker, "");
        var logDirectory = Path.Combine(blocker, "logs");
        var options = Options(logDirectory: logDirectory);

        using (var logging = LoggingSetup.Create(options, SecretMasker.For(options)))
        {
            Assert.NotNull(logging.FileLoggingFailure);
            logging.Logger.Warning("still logging");
        }

        var console = _console.ToString();
        var nl = Environment.NewLine;
        Assert.Contains("Failed to setup file logging: ", console, StringComparison.Ordinal);
        Assert.Contains($"{nl}Check:{nl}1. The log directory {logDirectory} is writable{nl}2. There is enough disk space{nl}", console, StringComparison.Ordinal);
        Assert.Contains(" - WARNING - still logging", console, StringComparison.Ordinal);
    }
}
