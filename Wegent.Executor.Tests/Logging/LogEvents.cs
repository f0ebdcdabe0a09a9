using Serilog.Events;
using Serilog.Parsing;

namespace Wegent.Executor.Tests.Logging;

/// <summary>Builds log events directly, so formatter and sink tests need no logger.</summary>
internal static class LogEvents
{
    public static LogEvent Create(string text, LogEventLevel level = LogEventLevel.Information, params (string Name, object Value)[] properties) =>
        new(
            new DateTimeOffset(2026, 1, 29, 13, 8, 22, TimeSpan.Zero),
            level,
            exception: null,
            new MessageTemplateParser().Parse(text),
            properties.Select(p => new LogEventProperty(p.Name, new ScalarValue(p.Value))));
}
