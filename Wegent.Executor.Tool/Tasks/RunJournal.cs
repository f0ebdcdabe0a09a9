using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;
using Wegent.Executor.Configuration;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Tasks;

/// <summary>A subtask that was running when the executor stopped without reporting it (a crash or SIGKILL).</summary>
public sealed record InterruptedRun(long TaskId, long SubtaskId, string TaskTitle, string SubtaskTitle)
{
    public long? MessageId { get; init; }

    /// <summary>The generation of its payload; null for an entry an earlier version wrote.</summary>
    public ResultProtocol? Generation { get; init; }
}

/// <summary>Remembers on disk which subtasks are running, so one interrupted by a crash is reported after the restart
/// instead of staying RUNNING forever.</summary>
public sealed class RunJournal(string directory, ILogger logger)
{
    public async Task TrackAsync(TaskRequest request, Func<Task> run)
    {
        Begin(request);
        try
        {
            await run().ConfigureAwait(false);
        }
        finally
        {
            End(request.SubtaskId);
        }
    }

    /// <summary>Runs left behind by an earlier process; each is forgotten once returned.</summary>
    public IReadOnlyList<InterruptedRun> TakeInterrupted()
    {
        if (!Directory.Exists(directory)) return [];
        var runs = new List<InterruptedRun>();
        foreach (var path in Directory.EnumerateFiles(directory, "subtask-*.json"))
        {
            try
            {
                var node = JsonNode.Parse(File.ReadAllText(path));
                runs.Add(new InterruptedRun(
                    node!["task_id"]!.GetValue<long>(),
                    node["subtask_id"]!.GetValue<long>(),
                    node["task_title"]?.GetValue<string>() ?? "",
                    node["subtask_title"]?.GetValue<string>() ?? "")
                {
                    MessageId = node["message_id"]?.GetValue<long>(),
                    Generation = ResultProtocols.Parse(node["generation"]?.GetValue<string>()),
                });
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or NullReferenceException or IOException)
            {
                logger.Warning("Ignored unreadable run journal entry {Path}: {Error}", path, ex.Message);
            }

            TryDelete(path);
        }

        return runs;
    }

    private void Begin(TaskRequest request)
    {
        var entry = new JsonObject
        {
            ["task_id"] = request.TaskId,
            ["subtask_id"] = request.SubtaskId,
            ["task_title"] = request.TaskTitle,
            ["subtask_title"] = request.SubtaskTitle,
            ["message_id"] = request.MessageId,
            ["generation"] = request.Generation().Name(),
        };
        try
        {
            PrivateFile.Write(PathOf(request.SubtaskId), entry.ToJsonString());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.Warning("Could not record subtask {SubtaskId} as running ({Error}); a crash would leave it unreported", request.SubtaskId, ex.Message);
        }
    }

    private void End(long subtaskId) => TryDelete(PathOf(subtaskId));

    private string PathOf(long subtaskId) => Path.Combine(directory, $"subtask-{subtaskId}.json");

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.Warning("Could not remove run journal entry {Path}: {Error}", path, ex.Message);
        }
    }
}
