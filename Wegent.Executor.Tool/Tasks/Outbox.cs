using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;
using Wegent.Executor.Configuration;

namespace Wegent.Executor.Tasks;

/// <summary>A final event waiting for the backend's ack.</summary>
public sealed record OutboxEntry(long TaskId, long SubtaskId, string EventName, JsonNode Payload);

/// <summary>Final events on disk until acked, so nothing a finished task produced is lost to a disconnect or a restart.</summary>
public sealed class Outbox(string directory, ILogger logger)
{
    public string Directory { get; } = directory;

    public void Save(OutboxEntry entry)
    {
        var document = new JsonObject
        {
            ["task_id"] = entry.TaskId,
            ["subtask_id"] = entry.SubtaskId,
            ["event"] = entry.EventName,
            ["payload"] = entry.Payload.DeepClone(),
        };
        PrivateFile.Replace(PathOf(entry.SubtaskId), stream =>
        {
            using var writer = new Utf8JsonWriter(stream);
            document.WriteTo(writer);
        });
    }

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
                var node = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
                var taskId = node?["task_id"]?.GetValue<long>();
                var subtaskId = node?["subtask_id"]?.GetValue<long>();
                var eventName = node?["event"]?.GetValue<string>();
                var payload = node?["payload"];
                if (taskId is null || subtaskId is null || eventName is null || payload is null)
                {
                    throw new JsonException("missing task_id, subtask_id, event or payload");
                }

                entries.Add(new OutboxEntry(taskId.Value, subtaskId.Value, eventName, payload.DeepClone()));
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

    private string PathOf(long subtaskId) => Path.Combine(Directory, $"subtask-{subtaskId}.json");
}
