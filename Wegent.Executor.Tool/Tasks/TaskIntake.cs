using System.Text.Json.Nodes;
using Serilog;
using Wegent.Executor.Logging;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Tasks;

/// <summary>Turns backend events into queued work, cancels and session closes, and answers the backend's calls at once
/// (a feature this executor lacks gets a clear refusal, never a timeout). Bad payloads are answered, never fatal; what
/// a payload brings is logged through <see cref="LogText"/>.</summary>
/// <param name="subtaskDispatched">Told the subtask id of every dispatched task (run or rejected) before it is queued or
/// answered, from the one parse of its payload.</param>
public sealed class TaskIntake(TaskQueue queue, TaskRunner runner, IBackendChannel channel, string deviceId, ILogger logger,
    Action<long>? subtaskDispatched = null) : IBackendEventHandler
{
    private static readonly TimeSpan UpgradeStatusAckTimeout = TimeSpan.FromSeconds(5);

    public IReadOnlyList<long> RunningTaskIds => queue.RunningTaskIds;

    public int QueuedCount => queue.QueuedCount;

    public void Handle(string eventName, JsonNode? payload, BackendCallReply? reply = null)
    {
        switch (eventName)
        {
            case KnownEvents.TaskExecute or KnownEvents.ChatMessage:
                Execute(eventName, payload);
                Answer(reply, DeviceCallAnswers.Success());
                break;
            case KnownEvents.TaskCancel:
                Cancel(payload);
                Answer(reply, DeviceCallAnswers.Success());
                break;
            case KnownEvents.TaskCloseSession:
                Answer(reply, CloseSession(payload));
                break;
            case KnownEvents.TaskError:
                logger.Error("The backend could not start task {TaskId} subtask {SubtaskId}: {Error}",
                    LogText.Of(payload?["task_id"]), LogText.Of(payload?["subtask_id"]), LogText.Of(payload?["error"]));
                Answer(reply, DeviceCallAnswers.Success());
                break;
            case KnownDeviceCalls.SyncCapabilities:
                Answer(reply, SyncCapabilities(payload));
                break;
            case KnownDeviceCalls.Upgrade:
                SkipUpgrade();
                Answer(reply, DeviceCallAnswers.Success());
                break;
            default:
                AnswerOther(eventName, reply);
                break;
        }
    }

    private void Execute(string eventName, JsonNode? payload)
    {
        var receivedAt = TimeProvider.System.GetTimestamp();
        var parsed = TaskPayloadParser.ParseExecute(payload);
        if (parsed.SubtaskId is { } dispatched) subtaskDispatched?.Invoke(dispatched);
        if (parsed.Value is not { } request)
        {
            logger.Error("Rejected {Event}: {Error}", eventName, LogText.Of(parsed.Error));
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
            logger.Error("Rejected {Event}: {Error}", KnownEvents.TaskCancel, LogText.Of(parsed.Error));
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

    private JsonObject CloseSession(JsonNode? payload)
    {
        var taskId = TaskPayloadParser.ReadTaskId(payload, out var error);
        if (taskId is null)
        {
            logger.Error("Rejected {Event}: {Error}", KnownEvents.TaskCloseSession, LogText.Of(error));
            return DeviceCallAnswers.Failure($"Invalid payload: {error}");
        }

        // Each turn's agent process ends with its run, so a session lives only while a turn runs; its saved id stays.
        var ended = queue.CloseSession(taskId.Value, out var stopped);
        if (stopped > 0) logger.Information("Session of task {TaskId} closed: stopping its running turn", taskId);
        else logger.Information("Session of task {TaskId} closed", taskId);
        // The heartbeat after the close reports the task as no longer running.
        _ = ended.ContinueWith(_ => channel.RequestHeartbeat(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        return DeviceCallAnswers.Success();
    }

    private JsonObject SyncCapabilities(JsonNode? payload)
    {
        var requested = DeviceCallAnswers.RequestedCapabilities(payload);
        if (requested > 0)
        {
            logger.Warning("The backend asked to install {Count} skill(s), plugin(s) or MCP server(s) on this device; {Answer}",
                requested, DeviceCallAnswers.CapabilitySyncNotSupported);
        }

        return DeviceCallAnswers.SyncCapabilities(payload);
    }

    private void SkipUpgrade()
    {
        logger.Information("The backend asked this executor to upgrade itself; it does not. Update it with: {Command}", DeviceCallAnswers.UpdateCommand);
        _ = SendUpgradeStatusAsync();
    }

    private async Task SendUpgradeStatusAsync()
    {
        try
        {
            await channel.CallAsync(KnownDeviceCalls.UpgradeStatus, DeviceCallAnswers.UpgradeSkipped(deviceId), UpgradeStatusAckTimeout, CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or BackendDisconnectedException or MessageTooLargeException)
        {
            logger.Debug("{Event} was not delivered: {Error}", KnownDeviceCalls.UpgradeStatus, ex.Message);
        }
    }

    private void AnswerOther(string eventName, BackendCallReply? reply)
    {
        if (DeviceCallAnswers.Unsupported(eventName) is { } refusal)
        {
            logger.Information("The backend called {Event}, a feature this executor does not have; answered that it is not supported", eventName);
            Answer(reply, refusal);
        }
        else if (reply is not null)
        {
            logger.Warning("The backend called {Event}, which this executor does not know; answered with an error", LogText.Of(eventName));
            Answer(reply, DeviceCallAnswers.UnknownCall(eventName));
        }
        else
        {
            logger.Debug("Ignored unknown event {Event}", LogText.Of(eventName));
        }
    }

    private static void Answer(BackendCallReply? reply, JsonObject answer)
    {
        if (reply is not null) _ = reply.SendAsync(answer);
    }
}
