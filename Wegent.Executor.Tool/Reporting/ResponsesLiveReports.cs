using System.Text.Json;
using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Reporting;

/// <summary>
/// The Responses-API live events of one run: <c>response.created</c>, then the run's stream in order. A flush takes the
/// stream as it is when the flush begins and sends it item by item: each run of text as one delta (split only when
/// longer than <see cref="ResponsesStyle.MaxDeltaLength"/>), each tool step as a block event, reasoning as reasoning
/// deltas. The backend appends deltas without de-duplication, so a delta is never sent twice: one whose fate is unknown
/// is given up (the terminal event carries the whole answer); block events are upserts and are resent. A flush ends
/// when <see cref="Next"/> finds nothing more in it.
/// </summary>
internal sealed class ResponsesLiveReports(IRunState run) : ILiveReports
{
    private readonly Lock _gate = new();
    private readonly ResponseIds _ids = new(run.Request.TaskId, run.Request.SubtaskId, run.Request.MessageId);
    private bool _createdWanted;
    private bool _createdSent;
    private long _receivedAt;

    /// <summary>The stream item the cursor is in, and how much of each text and how many step items were sent.</summary>
    private int _item;
    private int _sentText;
    private int _sentReasoning;
    private int _sentStepItems;

    /// <summary>Code points of the answer sent so far: the <c>offset</c> of the next delta.</summary>
    private int _textOffset;

    /// <summary>The stream as it was when the current flush began; null between flushes.</summary>
    private RunStreamWindow? _flush;
    private bool _flushOpen;

    public ResultProtocol Protocol => ResultProtocol.Responses;

    public bool InFlush
    {
        get
        {
            lock (_gate) return _flushOpen;
        }
    }

    public bool HasPending
    {
        get
        {
            var extent = run.Extent;
            lock (_gate)
            {
                return (_createdWanted && !_createdSent) || _flushOpen
                    || extent.TextLength > _sentText || extent.ReasoningLength > _sentReasoning || extent.StepItems > _sentStepItems;
            }
        }
    }

    public void Changed(RunChange change)
    {
        // Read from the run when a flush begins.
    }

    public void StageReached(RunStage stage, long receivedAt)
    {
        if (stage != RunStage.Started) return;
        lock (_gate)
        {
            _createdWanted = true;
            _receivedAt = receivedAt;
        }
    }

    public void Finishing(FinalOutcome outcome)
    {
        // What is pending still goes, before the terminal event.
    }

    public LiveEvent? Next()
    {
        lock (_gate)
        {
            _flushOpen = true;
            if (_createdWanted && !_createdSent) return new Created(_ids, run) { ReceivedAt = _receivedAt };
            _flush ??= run.ReadStream(_item);
            if (NextInFlush(_flush) is { } next) return next;
            _flush = null;
            _flushOpen = false;
            return null;
        }
    }

    public void Sent(LiveEvent liveEvent) => Advance(liveEvent, delivered: true);

    public void Refused(LiveEvent liveEvent)
    {
        // Not appended: sent again, in its place.
    }

    public void Lost(LiveEvent liveEvent) => Advance(liveEvent, delivered: false);

    public void TooLarge(LiveEvent liveEvent) => Advance(liveEvent, delivered: true);

    private void Advance(LiveEvent liveEvent, bool delivered)
    {
        lock (_gate)
        {
            switch (liveEvent)
            {
                case Created when delivered:
                    _createdSent = true;
                    break;
                case Delta { IsAnswer: true } delta:
                    _sentText = delta.End;
                    _textOffset += delta.CodePoints;
                    break;
                case Delta delta:
                    _sentReasoning = delta.End;
                    break;
                case Block when delivered:
                    _sentStepItems++;
                    _item++;
                    break;
            }
        }
    }

    /// <summary>The next event of the flush, moving the cursor past items already sent; null when the flush is done.</summary>
    private LiveEvent? NextInFlush(RunStreamWindow flush)
    {
        while (true)
        {
            var index = _item - flush.FirstItem;
            if (index >= flush.Items.Length) return null;
            var item = flush.Items[index];
            switch (item.Kind)
            {
                case StreamItemKind.Text when _sentText < item.End:
                    return new Delta(KnownResponseEvents.OutputTextDelta, _ids, flush.Text, _sentText, CutPoint(flush.Text, _sentText, item.End), _textOffset);
                case StreamItemKind.Reasoning when _sentReasoning < item.End:
                    return new Delta(KnownResponseEvents.ReasoningSummaryTextDelta, _ids, flush.Reasoning, _sentReasoning,
                        CutPoint(flush.Reasoning, _sentReasoning, item.End), offset: null);
                case StreamItemKind.StepStarted or StreamItemKind.StepFinished:
                    return new Block(_ids, item.Kind, flush.Steps[item.Step]);
            }

            // A text item is done; the last one may still grow, so the cursor stays in it until a later item exists.
            if (index + 1 >= flush.Items.Length) return null;
            _item++;
        }
    }

    /// <summary>Where a delta from <paramref name="start"/> ends: at <paramref name="end"/>, or earlier when that is too
    /// long, never between the two halves of a surrogate pair.</summary>
    private static int CutPoint(AnswerText text, int start, int end)
    {
        if (end - start <= ResponsesStyle.MaxDeltaLength) return end;
        var cut = start + ResponsesStyle.MaxDeltaLength;
        return char.IsHighSurrogate(text.CharAt(cut - 1)) ? cut - 1 : cut;
    }

    private abstract class ResponseEvent(string type, ResponseIds ids) : LiveEvent(type)
    {
        protected ResponseIds Ids { get; } = ids;

        public override void Write(Utf8JsonWriter writer) => Ids.Write(writer, Name, WriteData);

        protected abstract void WriteData(Utf8JsonWriter writer);
    }

    private sealed class Created(ResponseIds ids, IRunState run) : ResponseEvent(KnownResponseEvents.Created, ids)
    {
        protected override void WriteData(Utf8JsonWriter writer)
        {
            var request = run.Request;
            writer.WritePropertyName("response");
            Ids.Response(run.StartedAt, ModelOf(request), "in_progress").WriteTo(writer);
            writer.WriteString("shell_type", request.Bot?.ShellType ?? "ClaudeCode");
            if (request.Bot?.Name is { } botName) writer.WriteString("bot_name", botName);
        }

        private static string? ModelOf(TaskRequest request) =>
            request.ModelConfig?["model_id"] is JsonValue value && value.TryGetValue<string>(out var model) ? model : null;
    }

    /// <summary>A piece of the answer (with its <c>offset</c>) or of the reasoning, written straight from the text.</summary>
    private sealed class Delta(string type, ResponseIds ids, AnswerText text, int start, int end, int? offset) : ResponseEvent(type, ids)
    {
        public int End { get; } = end;

        public int CodePoints { get; } = offset is null ? 0 : text.CountCodePoints(start, end - start);

        public bool IsAnswer => offset is not null;

        protected override void WriteData(Utf8JsonWriter writer)
        {
            writer.WriteString("item_id", Ids.ItemId);
            writer.WriteNumber("output_index", 0);
            writer.WriteNumber("content_index", 0);
            writer.WritePropertyName("delta");
            text.WriteJsonString(writer, start, End - start);
            if (offset is { } value) writer.WriteNumber("offset", value);
        }
    }

    private sealed class Block(ResponseIds ids, StreamItemKind kind, RunStep step)
        : ResponseEvent(kind == StreamItemKind.StepStarted ? KnownResponseEvents.BlockCreated : KnownResponseEvents.BlockUpdated, ids)
    {
        protected override void WriteData(Utf8JsonWriter writer)
        {
            if (kind == StreamItemKind.StepStarted)
            {
                writer.WriteStartObject("block");
                writer.WriteString("id", step.Id);
                writer.WriteString("type", "tool");
                writer.WriteString("tool_use_id", step.Id);
                writer.WriteString("tool_name", step.Name);
                writer.WritePropertyName("tool_input");
                ResponsesStyle.WriteToolInput(writer, step);
                writer.WriteString("status", "pending");
                writer.WriteNumber("timestamp", step.StartedAt);
                writer.WriteEndObject();
                return;
            }

            writer.WriteString("block_id", step.Id);
            writer.WriteStartObject("updates");
            writer.WriteString("tool_output", ResponsesStyle.ToolOutput(step));
            writer.WriteString("status", step.IsError ? "error" : "done");
            writer.WriteEndObject();
        }
    }
}
