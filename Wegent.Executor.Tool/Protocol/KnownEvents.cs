namespace Wegent.Executor.Protocol;

/// <summary>Event names of the /local-executor namespace (PROTOCOL.md sections 2, 3 and 5).</summary>
public static class KnownEvents
{
    public const string Namespace = "/local-executor";

    public const string DeviceRegister = "device:register";
    public const string DeviceHeartbeat = "device:heartbeat";

    public const string TaskExecute = "task:execute";
    public const string ChatMessage = "chat:message";
    public const string TaskCancel = "task:cancel";
    public const string TaskCloseSession = "task:close-session";
    /// <summary>The backend could not start a task it had dispatched; no answer expected.</summary>
    public const string TaskError = "task:error";

    public const string TaskProgress = "task:progress";
    public const string TaskComplete = "task:complete";
}

/// <summary>Status strings on the wire: always upper case.</summary>
public static class KnownStatuses
{
    public const string Running = "RUNNING";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
    public const string Cancelled = "CANCELLED";
}

/// <summary>Message keys the Wegent frontend translates.</summary>
public static class KnownProgressMessages
{
    public const string TaskStarted = "${{thinking.task_started}}";
    public const string InitializeAgent = "${{thinking.initialize_agent}}";
    public const string CancelTask = "${{tasks.cancel_task}}";
}

/// <summary>Ack errors after which resending a final event is pointless.</summary>
public static class KnownAckErrors
{
    public const string SubtaskNotFound = "Subtask not found";
    public const string SubtaskOfAnotherDevice = "Subtask does not belong to this device";
    public const string DeviceIdMismatch = "Device ID mismatch";

    public static bool IsFinalForDelivery(string error) =>
        error.Contains(SubtaskNotFound, StringComparison.OrdinalIgnoreCase)
        || error.Contains(SubtaskOfAnotherDevice, StringComparison.OrdinalIgnoreCase);
}
