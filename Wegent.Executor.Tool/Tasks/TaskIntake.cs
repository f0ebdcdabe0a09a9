using System.Text.Json.Nodes;
using Serilog;
using Wegent.Executor.Connection;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Tasks;

/// <summary>Turns backend events into queued work, cancels and session closes. Bad payloads are answered, never fatal.</summary>
public sealed class TaskIntake(TaskQueue queue, TaskRunner runner, IBackendChannel channel, ILogger logger) : IBackendEventHandler
{
    public IReadOnlyList<long> RunningTaskIds => queue.RunningTaskIds;

    public void Handle(string eventName, JsonNode? payload)
    {
        switch (eventName)
        {
            case KnownEvents.TaskExecute or KnownEvents.ChatMessage:
                Execute(eventName, payload);
                break;
            case KnownEvents.TaskCancel:
                Cancel(payload);
                break;
            case KnownEvents.TaskCloseSession:
                CloseSession(payload);
                break;
            default:
                logger.Debug("Ignored unknown event {Event}", eventName);
                break;
        }
    }

    private void Execute(string eventName, JsonNode? payload)
    {
        var receivedAt = TimeProvider.System.GetTimestamp();
        var parsed = TaskPayloadParser.ParseExecute(payload);
        if (parsed.Value is not { } request)
        {
            logger.Error("Rejected {Event}: {Error}", eventName, parsed.Error);
            if (parsed.SubtaskId is { } subtaskId) runner.ReportRejected(parsed.TaskId ?? 0, subtaskId, $"Invalid task payload: {parsed.Error}", payload as JsonObject);
            return;
        }

        logger.Information("Received {Event} for task {TaskId} subtask {SubtaskId}", eventName, request.TaskId, request.SubtaskId);
        if (!queue.TryEnqueue(request with { ReceivedAt = receivedAt }, out var rejection))
        {
            logger.Warning("Did not queue task {TaskId} subtask {SubtaskId}: {Reason}", request.TaskId, request.SubtaskId, rejection);
        }
    }

    private void Cancel(JsonNode? payload)
    {
        var parsed = TaskPayloadParser.ParseCancel(payload);
        if (parsed.Value is not { } cancel)
        {
            logger.Error("Rejected {Event}: {Error}", KnownEvents.TaskCancel, parsed.Error);
            return;
        }

        var reached = queue.Cancel(cancel);
        if (reached == 0)
        {
            logger.Warning("Cancel for task {TaskId} subtask {SubtaskId}: nothing of it is queued or running", cancel.TaskId, cancel.SubtaskId);
        }
        else
        {
            logger.Information("Cancelling task {TaskId} subtask {SubtaskId}", cancel.TaskId, cancel.SubtaskId);
        }
    }

    private void CloseSession(JsonNode? payload)
    {
        var taskId = TaskPayloadParser.ReadTaskId(payload, out var error);
        if (taskId is null)
        {
            logger.Error("Rejected {Event}: {Error}", KnownEvents.TaskCloseSession, error);
            return;
        }

        // Each run's agent process ends with the run, so no live session outlives it; the saved session id stays.
        logger.Information("Session of task {TaskId} closed", taskId);
        channel.RequestHeartbeat();
    }
}
