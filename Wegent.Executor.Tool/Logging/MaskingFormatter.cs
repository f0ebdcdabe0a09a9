using Serilog.Events;
using Serilog.Formatting;
using Wegent.Executor.Configuration;

namespace Wegent.Executor.Logging;

/// <summary>Renders with the inner formatter, then masks every known secret in the whole rendered line
/// (message, properties and exception alike: an enricher could not rewrite the message text).</summary>
public sealed class MaskingFormatter(ITextFormatter inner, SecretMasker masker) : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var buffer = new StringWriter();
        inner.Format(logEvent, buffer);
        output.Write(masker.Mask(buffer.ToString()));
    }
}
