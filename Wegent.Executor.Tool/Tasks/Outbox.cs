using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;
using Wegent.Executor.Configuration;
using Wegent.Executor.Protocol;
using Wegent.Executor.Reporting;

namespace Wegent.Executor.Tasks;

/// <summary>A final report waiting for the backend's ack, with the style it is owed in.</summary>
public sealed record OutboxEntry(FinalReport Report, ResultProtocol Style)
{
    public long TaskId => Report.TaskId;

    public long SubtaskId => Report.SubtaskId;
}

/// <summary>Final reports on disk until acked, so nothing a finished task produced is lost to a disconnect or a restart.
/// A file holds the report in no generation's words and the style it is owed in, so it can be sent in either; files an
/// earlier version wrote (a ready <c>task:complete</c> or cancelling <c>task:progress</c>) are read too.</summary>
public sealed class Outbox(string directory, ILogger logger)
{
    public string Directory { get; } = directory;

    public void Save(OutboxEntry entry) =>
        PrivateFile.Replace(PathOf(entry.SubtaskId), stream =>
        {
            using var writer = new Utf8JsonWriter(stream, WireJson.WriterOptions);
            writer.WriteStartObject();
            writer.WriteNumber("task_id", entry.TaskId);
            writer.WriteNumber("subtask_id", entry.SubtaskId);
            writer.WriteString("style", entry.Style.Name());
            writer.WritePropertyName("report");
            FinalReportJson.Write(writer, entry.Report);
            writer.WriteEndObject();
        });

    public void Remove(long subtaskId)
    {
        try
        {
            File.Delete(PathOf(subtaskId));
        }
        catch (IOException ex)
        {
            logger.Warning("Could not remove the delivered outbox entry of subtask {SubtaskId}: {Error}", subtaskId, ex.Message);
        }
    }

    /// <summary>Entries left by an earlier run. Unreadable files are moved aside (never deleted) and reported.</summary>
    public IReadOnlyList<OutboxEntry> LoadAll()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var entries = new List<OutboxEntry>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "subtask-*.json"))
        {
            try
            {
                entries.Add(Read(JsonNode.Parse(File.ReadAllText(path)) as JsonObject));
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or IOException)
            {
                logger.Error("Outbox file {Path} is unreadable ({Error}); moved aside as .bad", path, ex.Message);
                File.Move(path, path + ".bad", overwrite: true);
            }
        }

        return entries;
    }

    public bool Contains(long subtaskId) => File.Exists(PathOf(subtaskId));

    public int Count => System.IO.Directory.Exists(Directory) ? System.IO.Directory.EnumerateFiles(Directory, "subtask-*.json").Count() : 0;

    private static OutboxEntry Read(JsonObject? node)
    {
        var taskId = node?["task_id"]?.GetValue<long>();
        var subtaskId = node?["subtask_id"]?.GetValue<long>();
        if (taskId is null || subtaskId is null) throw new JsonException("missing task_id or subtask_id");
        if (node!["report"] is { } report)
        {
            var style = ResultProtocols.Parse(node["style"]?.GetValue<string>()) ?? throw new JsonException("missing or unknown style");
            return new OutboxEntry(FinalReportJson.Read(report), style);
        }

        // Written by an earlier version, which spoke only the January protocol: the event and its ready payload.
        var eventName = node["event"]?.GetValue<string>();
        var payload = node["payload"];
        if (eventName is null || payload is null) throw new JsonException("missing report, or event and payload");
        return new OutboxEntry(LegacyStyle.Recover(taskId.Value, subtaskId.Value, eventName, payload.DeepClone()), ResultProtocol.Legacy);
    }

    private string PathOf(long subtaskId) => Path.Combine(Directory, $"subtask-{subtaskId}.json");
}
