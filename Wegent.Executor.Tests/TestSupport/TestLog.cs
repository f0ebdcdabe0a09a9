using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Wegent.Executor.Tests.TestSupport;

/// <summary>A logger that keeps rendered lines (strings unquoted, as the real sinks print them) for assertions.</summary>
public sealed class TestLog : ILogEventSink
{
    private static readonly MessageTemplateTextFormatter Format = new("{Level}: {Message:lj}");
    private readonly List<string> _lines = [];

    public TestLog() => Logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();

    public ILogger Logger { get; }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines) return _lines.ToArray();
        }
    }

    public void Emit(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        Format.Format(logEvent, writer);
        var line = writer.ToString();
        lock (_lines) _lines.Add(line);
    }
}
