namespace Wegent.Executor.Protocol;

/// <summary>Event names of the /local-executor namespace (PROTOCOL.md sections 2, 3 and 5; the Responses-API result
/// events are <see cref="KnownResponseEvents"/>).</summary>
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

/// <summary>Result events of a backend that takes Responses-API results (PROTOCOL-RESPONSES.md section 6): the event
/// name is the type of the event object in the payload's <c>data</c>.</summary>
public static class KnownResponseEvents
{
    public const string Created = "response.created";
    public const string OutputTextDelta = "response.output_text.delta";
    public const string ReasoningSummaryTextDelta = "response.reasoning_summary_text.delta";
    public const string BlockCreated = "response.block.created";
    public const string BlockUpdated = "response.block.updated";

    public const string Completed = "response.completed";
    public const string Error = "error";
    /// <summary>Always means CANCELLED to the backend, whatever the response says: never used for a failure.</summary>
    public const string Incomplete = "response.incomplete";

    /// <summary>The <c>code</c> of an <see cref="Error"/> event for a failed run.</summary>
    public const string RuntimeErrorCode = "runtime_error";

    public static bool IsTerminal(string eventName) => eventName is Completed or Error or Incomplete;
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

    /// <summary>A Responses-API backend's answer to a result event on a connection that has not registered: the event was
    /// not taken (PROTOCOL-RESPONSES.md section 2).</summary>
    public const string NotRegistered = "Not authenticated or not registered";

    public static bool IsFinalForDelivery(string error) =>
        error.Contains(SubtaskNotFound, StringComparison.OrdinalIgnoreCase)
        || error.Contains(SubtaskOfAnotherDevice, StringComparison.OrdinalIgnoreCase);

    /// <summary>A Responses-API backend's answers to an event it can never take (PROTOCOL-RESPONSES.md section 6.1).</summary>
    public static bool IsFinalForResponsesDelivery(string error) =>
        error is "Missing event data" or "Invalid event data format" or "Missing task_id or subtask_id";
}
