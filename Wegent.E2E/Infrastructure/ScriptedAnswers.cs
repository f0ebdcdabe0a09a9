using System.Globalization;
using System.Text;

namespace Wegent.E2E.Infrastructure;

/// <summary>The scripted model's scenarios (backend/app/scripted_model.py) and the text the agent answers with each, so
/// that a test can compare what the backend stored with what the agent said.</summary>
public static class ScriptedAnswers
{
    /// <summary>The answer of <c>write-file</c> after its Write tool step.</summary>
    public const string WriteFile = "I created hello.py, which prints Hello, World!";

    /// <summary>A Bash tool step that runs until it is stopped. Not a bare <c>sleep</c>: newer CLIs (2.1.332) refuse a
    /// standalone sleep as a tool call ("Blocked: standalone sleep ...") and the task would simply finish.</summary>
    public const string LongBashStep = "bash:echo started; sleep 600";

    /// <summary>The answer of <c>slow:S[:W]</c>: a piece every 100 ms for S seconds, each padded to W characters.</summary>
    public static string Slow(double seconds, int width = 0)
    {
        var pieces = Math.Max(1, (int)Math.Round(seconds * 10));
        var text = new StringBuilder(pieces * Math.Max(width, 10));
        for (var i = 1; i <= pieces; i++) text.Append(("slow-" + i.ToString("0000", CultureInfo.InvariantCulture)).PadRight(Math.Max(width - 1, 0), '.')).Append(' ');
        return text.ToString();
    }

    public static string Echo(string prompt) => "Echo: " + prompt;

    /// <summary>The answer of <c>history</c>: every user prompt of the session, oldest first.</summary>
    public static string History(params string[] prompts) => "History: " + string.Join(" | ", prompts);
}
