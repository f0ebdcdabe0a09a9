using System.Text;
using System.Text.Json.Nodes;

namespace Wegent.E2E.Infrastructure;

/// <summary>One entry of the backend's history: an event the executor sent (<c>in</c>), one the backend sent
/// (<c>out</c>), a device's answer to a call (<c>ack</c>), or a note (<c>note</c>: a bug signal or a fact).</summary>
public sealed record RecordedEvent(string Direction, string Name, JsonNode? Payload)
{
    /// <summary>The Responses-API event object of a result event (its <c>data</c>).</summary>
    public JsonObject Data => Payload?["data"]?.AsObject() ?? throw new InvalidOperationException($"{Name} has no data object: {Payload?.ToJsonString()}");

    /// <summary>Direction and name; for the January generation's reports also their status (<c>in task:progress RUNNING</c>).</summary>
    public override string ToString() =>
        Direction == "in" && Name.StartsWith("task:", StringComparison.Ordinal) && Payload?["status"] is JsonValue status
            ? $"{Direction} {Name} {status}"
            : $"{Direction} {Name}";
}

/// <summary>What the dev backend recorded of one task (<c>GET /api/tasks/{id}</c>), in arrival order.</summary>
public sealed class RecordedTask
{
    /// <summary>What marks a backend kill in <see cref="Sequence"/>.</summary>
    public const string KillMark = "✂ backend killed";

    private readonly IReadOnlyList<(long ReceivedAt, long? SubtaskId, RecordedEvent Event)> _entries;

    private RecordedTask(IReadOnlyList<(long ReceivedAt, long? SubtaskId, RecordedEvent Event)> entries) => _entries = entries;

    public static async Task<RecordedTask> ReadAsync(BackendApi api, long taskId)
    {
        var events = (await api.TaskAsync(taskId))["events"]!.AsArray().Select(entry => entry!.AsObject());
        return new RecordedTask([.. events.Select(entry => (
            entry["received_at"]!.GetValue<long>(),
            entry["subtask_id"]?.GetValue<long?>(),
            new RecordedEvent(entry["direction"]!.GetValue<string>(), entry["event"]!.GetValue<string>(), entry["payload"]?.DeepClone())))]);
    }

    /// <summary>Everything recorded about the subtask, in order.</summary>
    public IReadOnlyList<RecordedEvent> Of(long subtaskId) => [.. _entries.Where(e => e.SubtaskId == subtaskId).Select(e => e.Event)];

    /// <summary>The events the executor sent for the subtask, in arrival order.</summary>
    public IReadOnlyList<RecordedEvent> Received(long subtaskId) => [.. Of(subtaskId).Where(e => e.Direction == "in")];

    /// <summary>The notes about any subtask of the task.</summary>
    public IReadOnlyList<RecordedEvent> Notes => [.. _entries.Select(e => e.Event).Where(e => e.Direction == "note")];

    /// <summary>The subtask's history as one line, runs of the same entry collapsed ("in response.output_text.delta ×12"),
    /// with <see cref="KillMark"/> where the backend was killed (<paramref name="kills"/>; the history's times are the
    /// backend's clock, on this machine): what the backend saw, for the test's output.</summary>
    public string Sequence(long subtaskId, IReadOnlyCollection<DateTimeOffset>? kills = null)
    {
        var marks = (kills ?? []).Select(kill => kill.ToUnixTimeMilliseconds()).Order().ToList();
        var items = new List<RecordedEvent>();
        foreach (var (receivedAt, subtask, entry) in _entries)
        {
            while (marks.Count > 0 && marks[0] < receivedAt)
            {
                items.Add(new RecordedEvent("", KillMark, null));
                marks.RemoveAt(0);
            }

            if (subtask == subtaskId) items.Add(entry);
        }

        items.AddRange(marks.Select(_ => new RecordedEvent("", KillMark, null)));
        var line = new StringBuilder();
        foreach (var run in Runs(items))
        {
            if (line.Length > 0) line.Append(" → ");
            line.Append(run.Event.ToString().Trim());
            if (run.Count > 1) line.Append(" ×").Append(run.Count);
        }

        return line.ToString();
    }

    private static List<(RecordedEvent Event, int Count)> Runs(IEnumerable<RecordedEvent> events)
    {
        var runs = new List<(RecordedEvent Event, int Count)>();
        foreach (var entry in events)
        {
            if (runs.Count > 0 && runs[^1].Event.ToString() == entry.ToString()) runs[^1] = (runs[^1].Event, runs[^1].Count + 1);
            else runs.Add((entry, 1));
        }

        return runs;
    }
}
