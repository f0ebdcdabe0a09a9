using System.Globalization;
using Serilog;

namespace Wegent.Executor.Workspace;

/// <summary>Removes task workspaces nobody has touched for the retention period, so workspaces do not fill the disk.
/// "Touched" is the newest write time of the task folder and its direct entries (every run rewrites the agent's
/// settings there), which avoids walking large checkouts. Running tasks are never removed.</summary>
public sealed class WorkspaceRetention(WorkspaceLayout layout, int retentionDays, TimeProvider time, ILogger logger)
{
    /// <returns>The task ids whose workspaces were removed.</returns>
    public IReadOnlyList<long> Sweep(IReadOnlyCollection<long> runningTaskIds)
    {
        if (retentionDays <= 0 || !Directory.Exists(layout.Root)) return [];
        var cutoff = time.GetUtcNow().UtcDateTime - TimeSpan.FromDays(retentionDays);
        var removed = new List<long>();
        foreach (var directory in new DirectoryInfo(layout.Root).EnumerateDirectories())
        {
            // Only folders this executor made: a positive task id, nothing else (a user's file is left alone).
            if (!long.TryParse(directory.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var taskId) || taskId <= 0) continue;
            if (runningTaskIds.Contains(taskId) || directory.LinkTarget is not null) continue;
            try
            {
                if (LastTouched(directory) >= cutoff) continue;
                directory.Delete(recursive: true);
                removed.Add(taskId);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.Warning("Could not remove the old workspace of task {TaskId}: {Error}", taskId, ex.Message);
            }
        }

        if (removed.Count > 0)
        {
            logger.Information("Removed {Count} workspace(s) untouched for {Days} days: tasks {TaskIds}", removed.Count, retentionDays, string.Join(", ", removed));
        }

        return removed;
    }

    private static DateTime LastTouched(DirectoryInfo directory) =>
        directory.EnumerateFileSystemInfos().Select(entry => entry.LastWriteTimeUtc).Append(directory.LastWriteTimeUtc).Max();
}
