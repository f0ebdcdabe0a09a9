using System.Text.Json;
using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Reporting;

/// <summary>One backend generation's way of putting a subtask's reports on the wire. Delivery (pacing, acks, the
/// outbox, retries) is the same for both; a style only decides what each event says.</summary>
public interface IReportingStyle
{
    ResultProtocol Protocol { get; }

    /// <summary>The live events of one run, read from its state as delivery asks for them.</summary>
    ILiveReports Open(IRunState run);

    /// <summary>The one terminal event of a subtask.</summary>
    RenderedFinal Final(FinalReport report);

    /// <summary>Whether an ack error to the terminal event means resending it is pointless.</summary>
    bool IsFinalForDelivery(string ackError);
}

/// <summary>
/// The live (not terminal) events of one run in one style. Delivery calls <see cref="Next"/> at most once per
/// progress interval to start a flush, and again without waiting while <see cref="InFlush"/> says the flush has more;
/// every event it takes is answered by exactly one of <see cref="Sent"/>, <see cref="Refused"/>, <see cref="Lost"/> or
/// <see cref="TooLarge"/>
/// before the next. Safe to call from several threads.
/// </summary>
public interface ILiveReports
{
    ResultProtocol Protocol { get; }

    /// <summary>The run changed (called by the run's thread).</summary>
    void Changed(RunChange change);

    /// <summary>The run reached a stage the user must see. <paramref name="receivedAt"/>: for the first stage, when the
    /// task arrived (a <see cref="TimeProvider.System"/> timestamp), to measure how soon the user hears of it.</summary>
    void StageReached(RunStage stage, long receivedAt);

    /// <summary>The run is over and its final report is waiting: live events may still go first, never after it.</summary>
    void Finishing(FinalOutcome outcome);

    bool HasPending { get; }

    /// <summary>The current flush has more events, to be sent one after another without waiting for the interval.</summary>
    bool InFlush { get; }

    /// <summary>The next event to send, or null when there is nothing sendable now.</summary>
    LiveEvent? Next();

    /// <summary>The backend answered it (whatever the answer, but <see cref="Refused"/>).</summary>
    void Sent(LiveEvent liveEvent);

    /// <summary>The backend answered that it did not take it, and could later (this connection is not registered).</summary>
    void Refused(LiveEvent liveEvent);

    /// <summary>Its fate is unknown: no ack in time, or the connection dropped.</summary>
    void Lost(LiveEvent liveEvent);

    /// <summary>It can never be sent: it does not fit a message.</summary>
    void TooLarge(LiveEvent liveEvent);
}

/// <summary>One live event, written straight into the message being encoded (no JSON tree).</summary>
public abstract class LiveEvent(string name)
{
    public string Name { get; } = name;

    /// <summary>For the first event of a run: when its task arrived (see <see cref="ILiveReports.StageReached"/>); else 0.</summary>
    public long ReceivedAt { get; init; }

    public abstract void Write(Utf8JsonWriter writer);
}

/// <summary>A terminal event ready to send, with the status it reports (for logs and telemetry).</summary>
/// <param name="Note">Something the user should read in the log about how it was rendered.</param>
public sealed record RenderedFinal(ResultProtocol Protocol, string EventName, JsonNode Payload, string Status, string? Error, string? Note = null);
