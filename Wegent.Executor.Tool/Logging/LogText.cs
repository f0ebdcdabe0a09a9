using System.Globalization;
using System.Text;

namespace Wegent.Executor.Logging;

/// <summary>Text as it goes into a log line. Values come from payloads, acks, the CLI and repositories: a line break in
/// one would start a line of its own that reads like the executor's (a forged "Registered as device"), so control
/// characters are written as escapes (<c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\u001b</c>...).</summary>
public static class LogText
{
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(NeedsEscape)) return text;
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when NeedsEscape(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    /// <summary>Control characters, and the separators some viewers break lines at (NEL, U+2028, U+2029).</summary>
    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}

/// <summary>A block the executor wrote itself over several lines (a troubleshooting checklist): logged as written. Any
/// outside text inside it must already be escaped (<see cref="Troubleshooting"/> does so).</summary>
public sealed record MultilineText(string Text)
{
    public override string ToString() => Text;
}
