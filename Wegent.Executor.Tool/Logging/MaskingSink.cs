using Serilog.Core;
using Serilog.Events;
using Wegent.Executor.Configuration;

namespace Wegent.Executor.Logging;

/// <summary>Hands a sink that renders events itself (OTLP) a copy with every known secret masked: in string property
/// values, however nested, and in the exception, which becomes a <see cref="MaskedException"/> carrying the masked text.</summary>
public sealed class MaskingSink(ILogEventSink inner, SecretMasker masker) : ILogEventSink, IDisposable
{
    public void Emit(LogEvent logEvent)
    {
        var properties = logEvent.Properties.Select(p => new LogEventProperty(p.Key, Mask(p.Value)));
        var exception = logEvent.Exception is { } original ? new MaskedException(original, masker) : null;
        inner.Emit(new LogEvent(logEvent.Timestamp, logEvent.Level, exception, logEvent.MessageTemplate, properties,
            logEvent.TraceId ?? default, logEvent.SpanId ?? default));
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private LogEventPropertyValue Mask(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string text } => new ScalarValue(masker.Mask(text)),
        SequenceValue sequence => new SequenceValue(sequence.Elements.Select(Mask)),
        StructureValue structure => new StructureValue(structure.Properties.Select(p => new LogEventProperty(p.Name, Mask(p.Value))), structure.TypeTag),
        DictionaryValue dictionary => new DictionaryValue(dictionary.Elements.Select(e => KeyValuePair.Create(e.Key, Mask(e.Value)))),
        _ => value,
    };
}

/// <summary>An exception as text with secrets masked: its type name, message and stack trace.</summary>
public sealed class MaskedException(Exception original, SecretMasker masker)
    : Exception(masker.Mask($"{original.GetType().FullName}: {original.Message}"))
{
    private readonly string _text = masker.Mask(original.ToString());

    public override string? StackTrace { get; } = original.StackTrace is { } trace ? masker.Mask(trace) : null;

    public override string ToString() => _text;
}
