using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Wegent.Executor.Configuration;
using Wegent.Executor.Logging;
using Wegent.Executor.Tests.Configuration;
using Wegent.ServiceDefaults;

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

    /// <summary>Answers export requests until their bodies, concatenated, hold <paramref name="last"/> (the sink sends the
    /// first event at once and batches the rest), and returns the paths asked for and the bodies.</summary>
    private static async Task<(HashSet<string> Paths, byte[] Body)> ReceiveUntilAsync(HttpListener collector, string last)
    {
        var paths = new HashSet<string>();
        using var bodies = new MemoryStream();
        while (!Encoding.UTF8.GetString(bodies.ToArray()).Contains(last, StringComparison.Ordinal))
        {
            var context = await collector.GetContextAsync();
            await context.Request.InputStream.CopyToAsync(bodies);
            context.Response.StatusCode = 200;
            context.Response.Close();
            paths.Add(context.Request.Url!.AbsolutePath);
        }

        return (paths, bodies.ToArray());
    }

    private ExecutorOptions Options(ExecutorLogLevel level = ExecutorLogLevel.Info, string? logDirectory = null) => new()
    {
        BackendUrl = new Uri("http://localhost:8000"),
        AuthToken = Token,
        Home = _temp.Path,
        WorkspaceRoot = _temp.Combine("workspace"),
        LogDirectory = logDirectory ?? _temp.Combine("logs"),
        LogLevel = level,
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
    public async Task With_an_otlp_endpoint_log_events_are_exported_masked_with_their_trace()
    {
        using var collector = new HttpListener();
        var port = FreePort.OnLoopback();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = ReceiveUntilAsync(collector, last: "refused");
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "executor-under-test",
        };
        var options = Options();
        using var task = new Activity("task").Start();

        using (var logging = LoggingSetup.Create(options, SecretMasker.For(options), name => environment.GetValueOrDefault(name)))
        {
            logging.Logger.ForComponent("task").Information("Task {TaskId} started with token {Token}", 7, Token);
            logging.Logger.Error(new InvalidOperationException($"refused {Token}"), "Failed");
        }

        var (paths, body) = await received.WaitAsync(TimeSpan.FromSeconds(30));
        var text = Encoding.UTF8.GetString(body);
        Assert.Equal(["/v1/logs"], paths);
        Assert.Contains("Task 7 started with token ***", text, StringComparison.Ordinal);
        Assert.Contains("refused ***", text, StringComparison.Ordinal);
        Assert.Contains("executor-under-test", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
        Assert.True(body.AsSpan().IndexOf(Convert.FromHexString(task.TraceId.ToHexString())) >= 0, "the task's trace id is on the record");
    }

    [Fact]
    public async Task A_silent_collector_does_not_hold_the_executor_when_it_stops()
    {
        // Takes connections and never answers, as a stopped Aspire dashboard whose port DCP still holds.
        using var collector = new TcpListener(IPAddress.Loopback, 0);
        collector.Start();
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{((IPEndPoint)collector.LocalEndpoint).Port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        };
        var options = Options();
        var logging = LoggingSetup.Create(options, SecretMasker.For(options), name => environment.GetValueOrDefault(name));
        logging.Logger.Information("Stopped");

        // Unbounded, the final flush waits for the exporter's own timeout (10 s and more).
        var disposal = Stopwatch.StartNew();
        await Task.Run(logging.Dispose).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(disposal.Elapsed < TelemetryShutdown.Timeout * 3, $"Disposal took {disposal.Elapsed}.");
        Assert.Contains(" - INFO - Stopped", File.ReadAllText(options.LogFilePath), StringComparison.Ordinal);
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
