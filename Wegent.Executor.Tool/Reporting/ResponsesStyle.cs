using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Reporting;

/// <summary>The Responses-API generation (PROTOCOL-RESPONSES.md section 6): <c>response.created</c>, the answer as
/// deltas the backend appends, tool steps as blocks, reasoning, then exactly one of <c>response.completed</c>,
/// <c>error</c> or <c>response.incomplete</c> (which always means CANCELLED). Every event carries <c>task_id</c>,
/// <c>subtask_id</c> and <c>message_id</c> as numbers around the event object in <c>data</c>.</summary>
public sealed class ResponsesStyle(MessageSizeLimit sizeLimit, TimeProvider time) : IReportingStyle
{
    /// <summary>The longest delta in characters: even escaped at 6 bytes each it stays far below the message limit.</summary>
    internal const int MaxDeltaLength = 32 * 1024;
    private const int ToolTextLength = 500;
    private const int MaxErrorLength = 64 * 1024;

    private const string LargeAnswerNote =
        "the answer is larger than one message: response.completed carries no text and the backend keeps the streamed deltas";

    public ResultProtocol Protocol => ResultProtocol.Responses;

    public ILiveReports Open(IRunState run) => new ResponsesLiveReports(run);

    public bool IsFinalForDelivery(string ackError) => KnownAckErrors.IsFinalForResponsesDelivery(ackError);

    public RenderedFinal Final(FinalReport report)
    {
        var ids = new ResponseIds(report.TaskId, report.SubtaskId, report.MessageId);
        var run = report.Run;
        switch (report.Outcome)
        {
            case FinalOutcome.Completed:
                return Completed(ids, run ?? new RunResult());
            case FinalOutcome.Cancelled or FinalOutcome.SessionClosed:
                var response = ids.Response(run?.StartedAt ?? time.GetUtcNow().ToUnixTimeSeconds(), run?.Model, "cancelled");
                response["error"] = new JsonObject
                {
                    ["code"] = "cancelled",
                    ["message"] = report.Outcome == FinalOutcome.SessionClosed ? "Task session closed" : "Task cancelled",
                };
                return new(Protocol, KnownResponseEvents.Incomplete, ids.Envelope(new JsonObject { ["type"] = KnownResponseEvents.Incomplete, ["response"] = response }),
                    KnownStatuses.Cancelled, null);
            default:
                var message = TextShortener.Shorten(report.ErrorMessage ?? "The agent failed without a message.", MaxErrorLength);
                var data = new JsonObject { ["type"] = KnownResponseEvents.Error, ["code"] = KnownResponseEvents.RuntimeErrorCode, ["message"] = message };
                return new(Protocol, KnownResponseEvents.Error, ids.Envelope(data), KnownStatuses.Failed, message);
        }
    }

    /// <summary><c>response.completed</c> with the whole answer; when that cannot fit one message, with an empty output
    /// (the backend then keeps the text it accumulated from the deltas).</summary>
    private RenderedFinal Completed(ResponseIds ids, RunResult run)
    {
        var response = ids.Response(run.StartedAt, run.Model, "completed");
        response["usage"] = run.Usage?.DeepClone();
        // A run that ended normally without a word on why (e.g. its result line was lost) ended its turn.
        response["stop_reason"] = run.StopReason ?? "end_turn";
        response["file_changes"] = new JsonArray([.. run.FileChanges.Select(change => change.DeepClone())]);
        var output = new JsonArray();
        response["output"] = output;
        if (run.Text.Length > 0)
        {
            output.Add((JsonNode)new JsonObject
            {
                ["type"] = "message",
                ["id"] = ids.ItemId,
                ["status"] = "completed",
                ["role"] = "assistant",
                ["content"] = new JsonArray(new JsonObject
                {
                    ["type"] = "output_text",
                    ["text"] = run.Text.ToString(),
                    ["annotations"] = new JsonArray(),
                }),
            });
        }

        var payload = ids.Envelope(new JsonObject { ["type"] = KnownResponseEvents.Completed, ["response"] = response });
        string? note = null;
        if (!Fits(payload))
        {
            output.Clear();
            note = LargeAnswerNote;
            if (!Fits(payload)) response["file_changes"] = new JsonArray();
        }

        return new(Protocol, KnownResponseEvents.Completed, payload, KnownStatuses.Completed, null, note);
    }

    private bool Fits(JsonNode payload) => sizeLimit.Fits(MessageSizeLimit.Measure(writer => payload.WriteTo(writer)));

    /// <summary>The input of a tool block: the agent's shortened JSON object, else its summary under <c>input</c>.</summary>
    internal static void WriteToolInput(Utf8JsonWriter writer, RunStep step)
    {
        if (step.InputJson is { } json)
        {
            writer.WriteRawValue(json);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("input", TextShortener.Shorten(step.Input, ToolTextLength));
        writer.WriteEndObject();
    }

    internal static string ToolOutput(RunStep step) => TextShortener.Shorten(step.Output, ToolTextLength);
}

/// <summary>The ids every Responses-API event of one subtask carries.</summary>
internal sealed record ResponseIds(long TaskId, long SubtaskId, long? MessageId)
{
    public string ResponseId => "resp_" + SubtaskId.ToString(CultureInfo.InvariantCulture);

    public string ItemId => "msg_" + SubtaskId.ToString(CultureInfo.InvariantCulture);

    /// <param name="data">The event object, its <c>type</c> first.</param>
    public JsonObject Envelope(JsonObject data) => new()
    {
        ["task_id"] = TaskId,
        ["subtask_id"] = SubtaskId,
        ["message_id"] = MessageId,
        ["data"] = data,
    };

    /// <summary>Writes the envelope around the event object <paramref name="writeData"/> fills (after its <c>type</c>).</summary>
    public void Write(Utf8JsonWriter writer, string type, Action<Utf8JsonWriter> writeData)
    {
        writer.WriteStartObject();
        writer.WriteNumber("task_id", TaskId);
        writer.WriteNumber("subtask_id", SubtaskId);
        if (MessageId is { } messageId) writer.WriteNumber("message_id", messageId);
        else writer.WriteNull("message_id");
        writer.WriteStartObject("data");
        writer.WriteString("type", type);
        writeData(writer);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The response object of <c>response.created</c> and the terminal events.</summary>
    public JsonObject Response(long createdAt, string? model, string status) => new()
    {
        ["id"] = ResponseId,
        ["object"] = "response",
        ["created_at"] = createdAt,
        ["model"] = model ?? "",
        ["status"] = status,
        ["output"] = new JsonArray(),
    };
}
