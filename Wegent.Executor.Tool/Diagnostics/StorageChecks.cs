using System.Globalization;

namespace Wegent.Executor.Diagnostics;

/// <summary>The doctor's size lines: how much the workspace and the logs hold, and when that is a problem.</summary>
public static class StorageChecks
{
    public const string WorkspaceTitle = "Workspace";
    public const string LogsTitle = "Logs";

    /// <summary>Fails when the task folders take more than is still free on their disk: the next tasks would fill it.</summary>
    public static DoctorCheckResult Workspace(string root, DirectoryUsage usage, long freeBytes, int retentionDays)
    {
        if (!usage.Exists) return DoctorCheckResult.Pass(WorkspaceTitle, $"empty, not created yet ({root})");

        var detail = $"{ByteSize.Format(usage.Bytes)} in {Count(usage.TopLevelDirectories, "task folder")} ({root}){UnreadableNote(usage)}";
        if (usage.Bytes <= freeBytes) return DoctorCheckResult.Pass(WorkspaceTitle, detail);

        var retention = retentionDays == 0
            ? "set LOCAL_WORKSPACE_RETENTION_DAYS (e.g. 14; it is 0, so nothing is ever removed)"
            : $"lower LOCAL_WORKSPACE_RETENTION_DAYS (now {retentionDays.ToString(CultureInfo.InvariantCulture)})";
        return DoctorCheckResult.Fail(WorkspaceTitle, $"{detail}, more than the {ByteSize.Format(freeBytes)} still free on its disk",
            $"{retention} so old task folders are removed at start-up and daily, or delete old task folders in {root}");
    }

    /// <summary>Rotation keeps the live file and its backups under their size each; much more means files rotation does
    /// not manage (e.g. backups left above the count after it was lowered, or other programs' files).</summary>
    public static DoctorCheckResult Logs(string directory, DirectoryUsage usage, long maxFileBytes, int backupCount)
    {
        if (!usage.Exists) return DoctorCheckResult.Pass(LogsTitle, $"none yet ({directory})");

        var detail = $"{ByteSize.Format(usage.Bytes)} in {Count(usage.Files, "file")} ({directory}){UnreadableNote(usage)}";
        var rotationKeeps = (backupCount + 1) * maxFileBytes;
        // One file's worth of slack: a single line larger than the limit is written whole.
        if (usage.Bytes <= rotationKeeps + maxFileBytes) return DoctorCheckResult.Pass(LogsTitle, detail);

        return DoctorCheckResult.Fail(LogsTitle,
            $"{detail}, more than rotation keeps ({ByteSize.Format(rotationKeeps)}: the live file and {Count(backupCount, "backup")} of {ByteSize.Format(maxFileBytes)})",
            $"delete the files in {directory} that rotation does not manage (e.g. backups numbered above WEGENT_EXECUTOR_LOG_BACKUP_COUNT), or lower WEGENT_EXECUTOR_LOG_MAX_SIZE / WEGENT_EXECUTOR_LOG_BACKUP_COUNT");
    }

    private static string UnreadableNote(DirectoryUsage usage) =>
        usage.Unreadable == 0 ? "" : $"; {Count(usage.Unreadable, "entry")} could not be read and {(usage.Unreadable == 1 ? "is" : "are")} not counted";

    private static string Count(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? noun : noun.EndsWith('y') ? noun[..^1] + "ies" : noun + "s")}");
}
