using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wegent.Executor.Logging;

/// <summary>Text that came over the network, made fit for one log line: line breaks and other control or format
/// characters are escaped (so a payload can neither split a line nor fake another one), and long text is cut.</summary>
public static class LogText
{
    public const int DefaultMaxLength = 300;

    public static string Of(string? text, int maxLength = DefaultMaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (text is null) return "(none)";
        var kept = text.Length <= maxLength ? text.Length
            : char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        var shown = new StringBuilder(kept + 32);
        foreach (var c in text.AsSpan(0, kept))
        {
            switch (c)
            {
                case '\n': shown.Append("\\n"); break;
                case '\r': shown.Append("\\r"); break;
                case '\t': shown.Append("\\t"); break;
                default:
                    if (NeedsEscape(c)) shown.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else shown.Append(c);
                    break;
            }
        }

        if (kept < text.Length) shown.Append(CultureInfo.InvariantCulture, $"… ({text.Length - kept} more characters)");
        return shown.ToString();
    }

    /// <summary>A JSON value: a string as its text, anything else as compact JSON.</summary>
    public static string Of(JsonNode? node, int maxLength = DefaultMaxLength) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? Of(value.GetValue<string>(), maxLength)
            : Of(node?.ToJsonString(), maxLength);

    private static bool NeedsEscape(char c) => CharUnicodeInfo.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => true,
        _ => false,
    };
}
