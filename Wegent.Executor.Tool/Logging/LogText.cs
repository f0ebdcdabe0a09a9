using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wegent.Executor.Logging;

/// <summary>Text as it goes into a log line. Values come from payloads, acks, the CLI and repositories: a line break in
/// one would start a line of its own that reads like the executor's (a forged "Registered as device"), so control
/// characters, line separators and bidirectional overrides are written as escapes (<c>\n</c>, <c>\r</c>, <c>\t</c>,
/// <c>\u001b</c>...). The formatter escapes every value; <see cref="Of(string?, int)"/> also cuts long text.</summary>
public static class LogText
{
    public const int DefaultMaxLength = 300;

    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(NeedsEscape)) return text;
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text) Append(escaped, c);
        return escaped.ToString();
    }

    /// <summary>Escaped, and cut to <paramref name="maxLength"/> characters (never inside a surrogate pair).</summary>
    public static string Of(string? text, int maxLength = DefaultMaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (text is null) return "(none)";
        var kept = text.Length <= maxLength ? text.Length
            : char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        var shown = new StringBuilder(kept + 32);
        foreach (var c in text.AsSpan(0, kept)) Append(shown, c);
        if (kept < text.Length) shown.Append(CultureInfo.InvariantCulture, $"… ({text.Length - kept} more characters)");
        return shown.ToString();
    }

    /// <summary>A JSON value: a string as its text, anything else as compact JSON.</summary>
    public static string Of(JsonNode? node, int maxLength = DefaultMaxLength) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? Of(value.GetValue<string>(), maxLength)
            : Of(node?.ToJsonString(), maxLength);

    private static void Append(StringBuilder output, char c)
    {
        switch (c)
        {
            case '\n': output.Append("\\n"); break;
            case '\r': output.Append("\\r"); break;
            case '\t': output.Append("\\t"); break;
            default:
                if (NeedsEscape(c)) output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else output.Append(c);
                break;
        }
    }

    /// <summary>Control characters, the separators some viewers break lines at (NEL, U+2028, U+2029), and the
    /// bidirectional overrides and isolates that make a line read as something else.</summary>
    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');
}

/// <summary>A block the executor wrote itself over several lines (a troubleshooting checklist): logged as written. Any
/// outside text inside it must already be escaped (<see cref="Troubleshooting"/> does so).</summary>
public sealed record MultilineText(string Text)
{
    public override string ToString() => Text;
}
