using System.Text.RegularExpressions;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Wegent.Executor.Logging;

namespace Wegent.Executor.Tests.Logging;

public sealed partial class ExecutorLineFormatterTests
{
    private static string Format(LogEvent logEvent, bool includeCaller = true)
    {
        using var output = new StringWriter();
        new ExecutorLineFormatter(includeCaller).Format(logEvent, output);
        return output.ToString();
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - \[connection\] - \[in Runner\.cs:115\] - INFO - Starting Local Executor Runner\.\.\.\r?\n$")]
    private static partial Regex SeedLine();

    [Fact]
    public void Line_matches_the_seed_format()
    {
        var line = Format(LogEvents.Create(
            "Starting Local Executor Runner...",
            LogEventLevel.Information,
            ("Component", "connection"),
            ("CallerFile", "Runner.cs"),
            ("CallerLine", 115)));

        Assert.Matches(SeedLine(), line);
        var expectedTime = new DateTimeOffset(2026, 1, 29, 13, 8, 22, TimeSpan.Zero).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith(expectedTime + " - ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_in_the_message_are_printed_plainly_without_quotes()
    {
        using var logger = new LoggerConfiguration().WriteTo.Sink(new CapturingSink(out var events)).CreateLogger();
        logger.Information("Connecting to {Url} as {Name} ({Kind})", new Uri("http://127.0.0.1:8000/"), "dev", DayOfWeek.Monday);

        var line = Format(Assert.Single(events));

        Assert.EndsWith(" - INFO - Connecting to http://127.0.0.1:8000/ as dev (Monday)" + Environment.NewLine, line, StringComparison.Ordinal);
    }

    /// <summary>Issue 12 item 10: a task title with a line break wrote a fake "Registered as device" line into the log.</summary>
    [Fact]
    public void Line_breaks_and_other_control_characters_in_values_are_escaped_so_no_line_can_be_forged()
    {
        using var logger = new LoggerConfiguration().WriteTo.Sink(new CapturingSink(out var events)).CreateLogger();
        const string forged = "fix\n2026-01-29 13:08:22 - [connection] - INFO - Registered as device hw-forged\r\u001b[2K\u2028";
        logger.Warning("Skill {Skill} skipped: {Error}", forged, new InvalidOperationException("line\nbreak").Message);

        var text = Format(Assert.Single(events));

        Assert.Equal(text.TrimEnd('\r', '\n'), text.Split('\n')[0].TrimEnd('\r'));
        Assert.EndsWith(
            @" - WARNING - Skill fix\n2026-01-29 13:08:22 - [connection] - INFO - Registered as device hw-forged\r\u001b[2K\u2028 skipped: line\nbreak" + Environment.NewLine,
            text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_the_executor_wrote_itself_keeps_its_lines_but_not_an_outside_reason_inside_it()
    {
        using var logger = new LoggerConfiguration().Destructure.AsScalar<MultilineText>().WriteTo.Sink(new CapturingSink(out var events)).CreateLogger();
        logger.Error("{Help}", new MultilineText(Troubleshooting.AgentInitializationFailed("bad\nINFO - forged")));

        var lines = Format(Assert.Single(events)).Split(Environment.NewLine);

        Assert.EndsWith(@" - ERROR - Agent initialization failed: bad\nINFO - forged", lines[0], StringComparison.Ordinal);
        Assert.Equal("Check:", lines[1]);
    }

    [Fact]
    public void An_exception_follows_the_message_on_lines_of_its_own()
    {
        using var logger = new LoggerConfiguration().WriteTo.Sink(new CapturingSink(out var events)).CreateLogger();
        logger.Error(new InvalidOperationException("boom"), "Handling {Event} failed", "task:execute");

        var lines = Format(Assert.Single(events)).Split(Environment.NewLine);

        Assert.EndsWith(" - ERROR - Handling task:execute failed", lines[0], StringComparison.Ordinal);
        Assert.Equal("System.InvalidOperationException: boom", lines[1]);
    }

    private sealed class CapturingSink : ILogEventSink
    {
        private readonly List<LogEvent> _events = [];

        public CapturingSink(out List<LogEvent> events) => events = _events;

        public void Emit(LogEvent logEvent) => _events.Add(logEvent);
    }

    [Fact]
    public void Caller_part_is_left_out_when_unknown_or_not_wanted()
    {
        var withoutCaller = Format(LogEvents.Create("m", LogEventLevel.Warning, ("Component", "tasks")));
        var notWanted = Format(LogEvents.Create("m", LogEventLevel.Warning, ("Component", "tasks"), ("CallerFile", "A.cs"), ("CallerLine", 1)), includeCaller: false);

        Assert.EndsWith(" - [tasks] - WARNING - m" + Environment.NewLine, withoutCaller, StringComparison.Ordinal);
        Assert.Equal(withoutCaller, notWanted);
    }

    [Theory]
    [InlineData(LogEventLevel.Verbose, "DEBUG")]
    [InlineData(LogEventLevel.Debug, "DEBUG")]
    [InlineData(LogEventLevel.Information, "INFO")]
    [InlineData(LogEventLevel.Warning, "WARNING")]
    [InlineData(LogEventLevel.Error, "ERROR")]
    [InlineData(LogEventLevel.Fatal, "CRITICAL")]
    public void Levels_are_printed_as_python_does(LogEventLevel level, string expected)
    {
        Assert.Contains($" - {expected} - ", Format(LogEvents.Create("m", level)), StringComparison.Ordinal);
    }

    [Fact]
    public void Component_falls_back_to_the_source_context_type_name_then_executor()
    {
        Assert.Contains("[HeartbeatService]", Format(LogEvents.Create("m", LogEventLevel.Information, ("SourceContext", "Wegent.Executor.Connection.HeartbeatService"))), StringComparison.Ordinal);
        Assert.Contains("[executor]", Format(LogEvents.Create("m")), StringComparison.Ordinal);
    }

    [Fact]
    public void String_properties_are_rendered_without_quotes()
    {
        var logEvent = LogEvents.Create("Task {TaskId} uses {Repo}", LogEventLevel.Information, ("TaskId", 42), ("Repo", "wegent"));

        Assert.EndsWith(" - INFO - Task 42 uses wegent" + Environment.NewLine, Format(logEvent), StringComparison.Ordinal);
    }

    [Fact]
    public void Facade_adds_component_and_caller_of_the_logging_line()
    {
        var sink = new CollectingSink();
        using var logger = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();

        logger.ForComponent("agent").Here().Information("hello");
        var expectedLine = ThisLine() - 1;

        var line = Format(Assert.Single(sink.Events));
        Assert.Contains($" - [agent] - [in ExecutorLineFormatterTests.cs:{expectedLine}] - INFO - hello", line, StringComparison.Ordinal);
    }

    private static int ThisLine([System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => line;

    private sealed class CollectingSink : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }
}
