using System.Text.Json;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Reporting;

/// <summary>The January live events of one run: each stage as a snapshot taken when it is reached (sent in order, never
/// coalesced away), otherwise the newest snapshot, built only when it is sent. One event per flush.</summary>
internal sealed class LegacyLiveReports(LegacyStyle style, IRunState run) : ILiveReports
{
    private readonly Lock _gate = new();
    private readonly Queue<Milestone> _milestones = new();
    private readonly ThinkingSteps _thinking = new();
    private bool _snapshotWanted;
    private bool _finishing;

    public ResultProtocol Protocol => ResultProtocol.Legacy;

    public bool InFlush => false;

    public bool HasPending
    {
        get
        {
            lock (_gate) return _milestones.Count > 0 || _snapshotWanted;
        }
    }

    public void Changed(RunChange change)
    {
        // Snapshots carry no reasoning: a change of it alone is nothing new to send.
        if (change == RunChange.Reasoning) return;
        lock (_gate) _snapshotWanted |= !_finishing;
    }

    public void StageReached(RunStage stage, long receivedAt)
    {
        if (style.Snapshot(run, _thinking) is not { } snapshot) return;
        lock (_gate)
        {
            if (!_finishing) _milestones.Enqueue(new Milestone(snapshot) { ReceivedAt = receivedAt });
        }
    }

    public void Finishing(FinalOutcome outcome)
    {
        lock (_gate)
        {
            _finishing = true;
            // A cancel report is itself a progress event and replaces anything pending.
            if (outcome is FinalOutcome.Cancelled or FinalOutcome.SessionClosed)
            {
                _milestones.Clear();
                _snapshotWanted = false;
            }
        }
    }

    public LiveEvent? Next()
    {
        lock (_gate)
        {
            if (_milestones.TryPeek(out var milestone)) return milestone;
            if (!_snapshotWanted) return null;
            _snapshotWanted = false;
        }

        return style.Snapshot(run, _thinking) is { } message ? new Snapshot(message) : null;
    }

    public void Sent(LiveEvent liveEvent) => Dequeue(liveEvent);

    public void Refused(LiveEvent liveEvent) => Lost(liveEvent);

    public void Lost(LiveEvent liveEvent)
    {
        // A snapshot is resent as the newest one, unless the final event (which carries everything) is already waiting.
        if (liveEvent is Snapshot)
        {
            lock (_gate) _snapshotWanted |= !_finishing;
        }
    }

    public void TooLarge(LiveEvent liveEvent) => Dequeue(liveEvent);

    private void Dequeue(LiveEvent liveEvent)
    {
        if (liveEvent is not Milestone) return;
        lock (_gate)
        {
            if (_milestones.TryPeek(out var head) && ReferenceEquals(head, liveEvent)) _milestones.Dequeue();
        }
    }

    private abstract class Progress(TaskProgressMessage message) : LiveEvent(KnownEvents.TaskProgress)
    {
        public override void Write(Utf8JsonWriter writer) => ProtocolJson.Write(writer, message);
    }

    private sealed class Snapshot(TaskProgressMessage message) : Progress(message);

    private sealed class Milestone(TaskProgressMessage message) : Progress(message);
}
