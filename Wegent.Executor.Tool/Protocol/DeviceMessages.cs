using System.Globalization;

namespace Wegent.Executor.Protocol;

/// <summary><c>device:register</c> (PROTOCOL-RESPONSES.md section 3). The January backend reads <c>device_id</c>,
/// <c>name</c>, <c>executor_version</c> and <c>capabilities</c> and ignores the other keys.</summary>
public sealed record DeviceRegistration(
    string DeviceId,
    string Name,
    string ExecutorVersion,
    IReadOnlyList<string> Capabilities,
    string RuntimeInstanceId)
{
    /// <summary>The backend refuses a longer version ("Invalid payload").</summary>
    public const int MaxExecutorVersionLength = 50;

    private readonly string _executorVersion = Limited(ExecutorVersion);

    public string ExecutorVersion
    {
        get => _executorVersion;
        init => _executorVersion = Limited(value);
    }

    /// <summary><c>cloud</c> and <c>remote</c> would trigger the backend's persistent-identity checks.</summary>
    public string DeviceType { get; init; } = "local";

    public string BindShell { get; init; } = "claudecode";

    private static string Limited(string version) =>
        version.Length <= MaxExecutorVersionLength ? version : version[..MaxExecutorVersionLength];
}

/// <summary><c>device:heartbeat</c> (PROTOCOL-RESPONSES.md section 4); the January backend reads <c>device_id</c> and
/// <c>running_task_ids</c> and ignores the rest.</summary>
public sealed record DeviceHeartbeat(
    string DeviceId,
    IReadOnlyList<long> RunningTaskIds,
    string RuntimeInstanceId,
    RuntimeCapacity RuntimeCapacity);

/// <summary>The heartbeat's <c>runtime_capacity</c>. The backend refuses the whole heartbeat when it is invalid: <c>limit</c>
/// 1..20, <c>active_task_ids</c> unique non-blank strings, exactly <c>active</c> of them and at most 20.</summary>
public sealed record RuntimeCapacity(int Limit, int Active, IReadOnlyList<string> ActiveTaskIds, int Queued)
{
    /// <summary>The backend's bound on <c>limit</c> and on the number of active task ids.</summary>
    public const int MaxTasks = 20;

    /// <summary>A valid observation whatever the inputs: the limit clamped to 1..20, each running task once (a task's
    /// subtasks count as one task), at most 20 of them.</summary>
    public static RuntimeCapacity Observe(int maxConcurrentTasks, IEnumerable<long> runningTaskIds, int queued)
    {
        string[] active = [.. runningTaskIds.Distinct().Take(MaxTasks).Select(id => id.ToString(CultureInfo.InvariantCulture))];
        return new RuntimeCapacity(Math.Clamp(maxConcurrentTasks, 1, MaxTasks), active.Length, active, Math.Max(0, queued));
    }
}
