using System.Text;

namespace Wegent.E2E.Infrastructure;

/// <summary>How a subtask must look in what the backend recorded, in each generation: the events the executor sent
/// for it, and no note that signals a fault.</summary>
public static class RecordedAssert
{
    public const string Created = "response.created";
    public const string TextDelta = "response.output_text.delta";
    public const string Completed = "response.completed";
    public const string Error = "error";
    public const string Incomplete = "response.incomplete";
    public const string BlockCreated = "response.block.created";
    public const string BlockUpdated = "response.block.updated";

    private static readonly string[] Terminals = [Completed, Error, Incomplete];

    /// <summary>The task's notes are only those <paramref name="allowed"/> (facts such as a disconnect, never faults such
    /// as a delta stored twice or a protocol violation).</summary>
    public static void NoNotes(RecordedTask task, params string[] allowed)
    {
        var notes = task.Notes.Where(note => !allowed.Contains(note.Name)).ToArray();
        Assert.True(notes.Length == 0, "the backend noted: " + string.Join("; ", notes.Select(note => $"{note.Name} {note.Payload?.ToJsonString()}")));
    }

    /// <summary>The terminal event of a final status in the Responses-API generation.</summary>
    public static string TerminalOf(string status) => status switch
    {
        "COMPLETED" => Completed,
        "FAILED" => Error,
        "CANCELLED" => Incomplete,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "not a final status"),
    };

    /// <summary>Responses-API generation, one uninterrupted run: <c>response.created</c> first, the answer as deltas at
    /// consecutive offsets (code points streamed before each), exactly one terminal event, <paramref name="terminal"/>,
    /// last; nothing of the January style; no note but <paramref name="allowedNotes"/>. Returns the deltas joined: what the
    /// user saw stream.</summary>
    public static string ResponsesStream(RecordedTask task, long subtaskId, string terminal, params string[] allowedNotes)
    {
        NoNotes(task, allowedNotes);
        var events = task.Received(subtaskId);
        var sequence = task.Sequence(subtaskId);
        Assert.True(events.Count > 0 && events[0].Name == Created, $"response.created must come first: {sequence}");
        Assert.True(events.Count(e => Terminals.Contains(e.Name)) == 1 && events[^1].Name == terminal, $"exactly one terminal event, {terminal}, last: {sequence}");
        Assert.DoesNotContain(events, e => e.Name.StartsWith("task:", StringComparison.Ordinal));
        var streamed = new StringBuilder();
        var offset = 0;
        foreach (var delta in events.Where(e => e.Name == TextDelta))
        {
            Assert.Equal(offset, delta.Data["offset"]!.GetValue<int>());
            var text = delta.Data["delta"]!.GetValue<string>();
            streamed.Append(text);
            offset += CodePoints(text);
        }

        return streamed.ToString();
    }

    /// <summary>Responses-API generation, a run across backend outages: <c>response.created</c> first; every delta the
    /// executor sent is the agent's text at its offset (a delta lost in an outage leaves a gap; none is sent twice, which
    /// the backend would store twice: no <c>delta_offset_seen</c> note); no delta after a terminal event; and every
    /// terminal event is <c>response.completed</c> with the agent's whole text (one whose ack an outage swallowed is sent
    /// again, which rewrites the same result). Returns how many terminal events arrived.</summary>
    public static int ResponsesAcrossOutages(RecordedTask task, long subtaskId, string agentText)
    {
        var events = task.Received(subtaskId);
        var sequence = task.Sequence(subtaskId);
        Assert.True(events.Count > 0 && events[0].Name == Created, $"response.created must come first: {sequence}");
        var runes = agentText.EnumerateRunes().ToArray();
        foreach (var delta in events.Where(e => e.Name == TextDelta))
        {
            var offset = delta.Data["offset"]!.GetValue<int>();
            var text = delta.Data["delta"]!.GetValue<string>();
            var length = CodePoints(text);
            Assert.True(offset + length <= runes.Length && string.Concat(runes.AsSpan(offset, length).ToArray()) == text,
                $"the delta at offset {offset} is not the agent's text there: '{text}'");
        }

        var terminals = events.Where(e => Terminals.Contains(e.Name)).ToArray();
        Assert.NotEmpty(terminals);
        Assert.All(terminals, terminal =>
        {
            Assert.Equal(Completed, terminal.Name);
            Assert.Equal(agentText, string.Concat(terminal.Data["response"]!["output"]!.AsArray()
                .SelectMany(item => item!["content"]!.AsArray()).Select(content => content!["text"]!.GetValue<string>())));
        });
        Assert.True(events.Skip(events.ToList().IndexOf(terminals[0])).All(e => Terminals.Contains(e.Name)), $"an event after the terminal one: {sequence}");
        NoNotes(task, "delta_offset_gap", "terminal_after_terminal", "disconnect_grace_over", "subtask_failed_by_disconnect");
        return terminals.Length;
    }

    /// <summary>January generation: <c>task:progress</c> snapshots, then <c>task:complete</c> once for COMPLETED or FAILED;
    /// a cancel ends with <c>task:progress</c> CANCELLED and no <c>task:complete</c>; nothing of the Responses-API style;
    /// no note (a stream mismatch or protocol violation) but <paramref name="allowedNotes"/>.</summary>
    public static void Legacy(RecordedTask task, long subtaskId, string finalStatus, params string[] allowedNotes)
    {
        NoNotes(task, allowedNotes);
        var events = task.Received(subtaskId);
        var sequence = task.Sequence(subtaskId);
        Assert.DoesNotContain(events, e => e.Name.StartsWith("response.", StringComparison.Ordinal) || e.Name == Error);
        Assert.True(events.Count(e => e.Name == "task:complete") == (finalStatus == "CANCELLED" ? 0 : 1), $"task:complete count for {finalStatus}: {sequence}");
        var last = events[^1];
        Assert.Equal(finalStatus == "CANCELLED" ? "task:progress" : "task:complete", last.Name);
        Assert.Equal(finalStatus, last.Payload!["status"]!.GetValue<string>());
    }

    public static int CodePoints(string text) => text.EnumerateRunes().Count();
}
