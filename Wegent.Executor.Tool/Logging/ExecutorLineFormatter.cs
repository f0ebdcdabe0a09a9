using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace Wegent.Executor.Logging;

/// <summary>
/// The original's line format: <c>2026-01-29 13:08:22 - [component] - [in File.cs:115] - INFO - message</c>
/// (local time; the <c>[in ...]</c> part only when the caller is known and wanted), then the exception if any.
/// </summary>
public sealed class ExecutorLineFormatter(bool includeCaller) : ITextFormatter
{
    private const string DefaultComponent = "executor";
    private const string Separator = " - ";


    public void Format(LogEvent logEvent, TextWriter output)
    {
        output.Write(logEvent.Timestamp.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        output.Write(Separator);
        output.Write('[');
        output.Write(Component(logEvent));
        output.Write(']');
        output.Write(Separator);
        if (includeCaller && Text(logEvent, LogProperties.CallerFile) is { Length: > 0 } file)
        {
            output.Write($"[in {file}:{Text(logEvent, LogProperties.CallerLine)}]");
            output.Write(Separator);
        }

        output.Write(LevelName(logEvent.Level));
        output.Write(Separator);
        WriteMessage(logEvent, output);
        output.WriteLine();
        if (logEvent.Exception is { } exception) output.WriteLine(exception);
    }

    /// <summary>The message with its values as plain text (no quotes around strings), each value's control characters
    /// escaped (<see cref="LogText"/>) unless it is a <see cref="MultilineText"/> block.</summary>
    private static void WriteMessage(LogEvent logEvent, TextWriter output)
    {
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is not PropertyToken property || !logEvent.Properties.TryGetValue(property.PropertyName, out var value))
            {
                token.Render(logEvent.Properties, output, CultureInfo.InvariantCulture);
                continue;
            }

            switch (value)
            {
                case ScalarValue { Value: MultilineText block }:
                    output.Write(block.Text);
                    break;
                case ScalarValue { Value: string text }:
                    output.Write(LogText.Escape(text));
                    break;
                default:
                    using (var rendered = new StringWriter(CultureInfo.InvariantCulture))
                    {
                        property.Render(logEvent.Properties, rendered, CultureInfo.InvariantCulture);
                        output.Write(LogText.Escape(rendered.ToString()));
                    }

                    break;
            }
        }
    }

    /// <summary>Level names as Python's logging prints them.</summary>
    public static string LevelName(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => "DEBUG",
        LogEventLevel.Information => "INFO",
        LogEventLevel.Warning => "WARNING",
        LogEventLevel.Error => "ERROR",
        _ => "CRITICAL",
    };

    /// <summary>The Component property, else the last segment of SourceContext (a type name), else "executor".</summary>
    private static string Component(LogEvent logEvent)
    {
        if (Text(logEvent, LogProperties.Component) is { Length: > 0 } component)
        {
            return component;
        }

        if (Text(logEvent, LogProperties.SourceContext) is { Length: > 0 } context)
        {
            return context[(context.LastIndexOf('.') + 1)..];
        }

        return DefaultComponent;
    }

    private static string? Text(LogEvent logEvent, string property) =>
        logEvent.Properties.TryGetValue(property, out var value) && value is ScalarValue { Value: { } scalar }
            ? Convert.ToString(scalar, CultureInfo.InvariantCulture)
            : null;
}
