using System.Collections.Concurrent;
using Serilog;
using Wegent.Executor.Protocol;
using Wegent.Executor.Reporting;
using Wegent.Executor.Telemetry;
using Wegent.Executor.Threading;

namespace Wegent.Executor.Tasks;

/// <summary>
/// Sends what runs report, in the style each subtask is owed (<see cref="ResultStyles"/>): per subtask, live events paced
/// to at most one flush per interval, each acked before the next, then the final report, kept in the outbox until acked
/// and never sent before the live events it follows. Each subtask has its own lane so a slow ack of one never delays
/// another.
/// </summary>
public sealed class ReportDelivery : IAsyncDisposable
{
    private readonly IBackendChannel _channel;
    private readonly Outbox _outbox;
    private readonly ResultStyles _styles;
    private readonly DeliveryOptions _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, DeliveryLane> _lanes = new();
    private readonly CancellationTokenSource _stopping = new();

    public ReportDelivery(IBackendChannel channel, Outbox outbox, DeliveryOptions settings, TimeProvider time, ILogger logger)
    {
        _channel = channel;
        _outbox = outbox;
        _settings = settings;
        _time = time;
        _logger = logger;
        _styles = new ResultStyles(settings.ResultProtocol, () => channel.ProbedResultProtocol, time, logger);
    }

    public int PendingFinals => _lanes.Values.Count(lane => lane.HasFinal);

    /// <summary>Starts reporting a run: its state, which its lane reads in the style chosen for it.</summary>
    public TaskProgressTracker Track(TaskRequest request)
    {
        var lane = LaneOf(request.SubtaskId);
        var tracker = new TaskProgressTracker(request, _time, lane.Changed);
        lane.Open(_styles.Of(_styles.ForTask(request.Generation())).Open(tracker));
        return tracker;
    }

    /// <summary>A stage the user must see (e.g. "started"): sent in order, never coalesced away, still paced.</summary>
    /// <param name="receivedAt">For the first stage: when the task arrived (<see cref="TaskRequest.ReceivedAt"/>), to
    /// measure how soon the user hears of it; 0 otherwise.</param>
    public void Stage(TaskProgressTracker tracker, RunStage stage, long receivedAt = 0)
    {
        tracker.SetStage(stage);
        LaneOf(tracker.Request.SubtaskId).StageReached(stage, receivedAt);
    }

    /// <summary>Renders the final report in the subtask's style, persists it, then delivers it after the live events.</summary>
    /// <returns>What it reports (for logs and telemetry).</returns>
    public RenderedFinal Finish(FinalReport report)
    {
        var style = _styles.ForTask(report.Generation);
        var rendered = _styles.Of(style).Final(report);
        if (rendered.Note is { } note) _logger.Warning("Subtask {SubtaskId}: {Note}", report.SubtaskId, note);
        var entry = new OutboxEntry(report, style);
        TrySave(entry);
        LaneOf(report.SubtaskId).OfferFinal(new PendingFinal(entry, resumed: false) { Rendered = rendered });
        return rendered;
    }

    /// <summary>Re-sends final reports an earlier run of the executor could not deliver.</summary>
    public int ResumeFromOutbox()
    {
        var entries = _outbox.LoadAll();
        foreach (var entry in entries) LaneOf(entry.SubtaskId).OfferFinal(new PendingFinal(entry, resumed: true));
        return entries.Count;
    }

    /// <summary>Completes when every lane has delivered its final event (or the token ends the wait).</summary>
    public async Task WhenAllDeliveredAsync(CancellationToken cancellationToken)
    {
        while (!_lanes.IsEmpty)
        {
            var lanes = _lanes.Values.Select(lane => lane.Completion).ToArray();
            await Task.WhenAll(lanes).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var lane in _lanes.Values)
        {
            await lane.Completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }

    private void TrySave(OutboxEntry entry)
    {
        try
        {
            _outbox.Save(entry);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.Error("Could not write the outbox entry of subtask {SubtaskId} ({Error}); it is kept in memory only", entry.SubtaskId, ex.Message);
        }
    }

    private DeliveryLane LaneOf(long subtaskId) =>
        _lanes.GetOrAdd(subtaskId, id => new DeliveryLane(this, id));

    /// <summary>A final report in a lane; only the lane's loop changes it after it is offered.</summary>
    /// <param name="resumed">Left in the outbox by an earlier process (no payload to go by: the probe decides).</param>
    private sealed class PendingFinal(OutboxEntry entry, bool resumed)
    {
        public OutboxEntry Entry { get; set; } = entry;

        public bool Resumed { get; } = resumed;

        /// <summary>The newest rendering, reused while the style stays the same.</summary>
        public RenderedFinal? Rendered { get; set; }

        /// <summary>Set once an empty ack made it switch style: a second one means neither style is handled.</summary>
        public bool Switched { get; set; }
    }

    private sealed class DeliveryLane
    {
        private readonly ReportDelivery _owner;
        private readonly long _subtaskId;
        private readonly Lock _gate = new();
        private readonly AsyncSignal _wake = new();
        private ILiveReports? _live;
        private PendingFinal? _final;
        private long _lastFlush = long.MinValue;
        private bool _firstEventSent;

        public DeliveryLane(ReportDelivery owner, long subtaskId)
        {
            _owner = owner;
            _subtaskId = subtaskId;
            Completion = Task.Run(RunAsync);
        }

        public Task Completion { get; }

        public bool HasFinal
        {
            get
            {
                lock (_gate) return _final is not null;
            }
        }

        public void Open(ILiveReports live)
        {
            lock (_gate) _live = live;
        }

        public void Changed(RunChange change)
        {
            if (LiveUnlessFinishing() is not { } live) return;
            live.Changed(change);
            _wake.Set();
        }

        public void StageReached(RunStage stage, long receivedAt)
        {
            if (LiveUnlessFinishing() is not { } live) return;
            live.StageReached(stage, receivedAt);
            _wake.Set();
        }

        public void OfferFinal(PendingFinal final)
        {
            ILiveReports? live;
            lock (_gate)
            {
                _final = final;
                live = _live;
            }

            live?.Finishing(final.Entry.Report.Outcome);
            _wake.Set();
        }

        private ILiveReports? LiveUnlessFinishing()
        {
            lock (_gate) return _final is null ? _live : null;
        }

        private async Task RunAsync()
        {
            var cancellationToken = _owner._stopping.Token;
            try
            {
                while (true)
                {
                    _wake.Reset();
                    ILiveReports? live;
                    PendingFinal? final;
                    lock (_gate)
                    {
                        live = _live;
                        final = _final;
                    }

                    if (live is { HasPending: true })
                    {
                        // A flush waits for the interval, the flush before a final report too (PROTOCOL.md 5.1); the rest
                        // of a flush goes at once.
                        var wait = live.InFlush ? TimeSpan.Zero : TimeUntilNextFlush();
                        if (wait > TimeSpan.Zero)
                        {
                            await _wake.WaitAsync(wait, _owner._time, cancellationToken).ConfigureAwait(false);
                            continue;
                        }

                        await SendLiveAsync(live, cancellationToken).ConfigureAwait(false);
                    }
                    else if (final is not null)
                    {
                        if (await SendFinalAsync(final, cancellationToken).ConfigureAwait(false))
                        {
                            _owner._lanes.TryRemove(_subtaskId, out _);
                            return;
                        }
                    }
                    else
                    {
                        await _wake.WaitAsync(null, _owner._time, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }

        private TimeSpan TimeUntilNextFlush() =>
            _lastFlush == long.MinValue
                ? TimeSpan.Zero
                : _owner._settings.ProgressInterval - _owner._time.GetElapsedTime(_lastFlush);

        /// <summary>Sends the live event the style offers now; it decides what an unanswered one becomes.</summary>
        private async Task SendLiveAsync(ILiveReports live, CancellationToken cancellationToken)
        {
            await _owner._channel.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            var startsFlush = !live.InFlush;
            if (live.Next() is not { } liveEvent) return;
            try
            {
                if (startsFlush) _lastFlush = _owner._time.GetTimestamp();
                if (liveEvent.ReceivedAt != 0 && !_firstEventSent) ReportFirstEventLatency(liveEvent.ReceivedAt);
                var ack = await _owner._channel.CallWritingAsync(liveEvent.Name, liveEvent.Write, _owner._settings.AckTimeout, cancellationToken)
                    .ConfigureAwait(false);
                switch (ResultStyles.Classify(ack))
                {
                    case AckKind.Error when ack!["error"]!.ToString() == KnownAckErrors.NotRegistered:
                        live.Refused(liveEvent);
                        _owner._logger.Debug("{Event} of subtask {SubtaskId} refused: not registered yet", liveEvent.Name, _subtaskId);
                        await Task.Delay(_owner._settings.RetryPause, _owner._time, cancellationToken).ConfigureAwait(false);
                        break;
                    case AckKind.NoHandler:
                        // Nothing more of this run goes live in a style the backend ignores; its final report goes in the other.
                        live.Sent(liveEvent);
                        _owner._styles.NoHandlerFor(live.Protocol, liveEvent.Name);
                        lock (_gate) _live = null;
                        break;
                    default:
                        live.Sent(liveEvent);
                        break;
                }
            }
            catch (Exception ex) when (ex is TimeoutException or BackendDisconnectedException)
            {
                live.Lost(liveEvent);
                _owner._logger.Debug("{Event} of subtask {SubtaskId} not acknowledged ({Reason})", liveEvent.Name, _subtaskId, ex.Message);
                await Task.Delay(_owner._settings.RetryPause, _owner._time, cancellationToken).ConfigureAwait(false);
            }
            catch (MessageTooLargeException ex)
            {
                live.TooLarge(liveEvent);
                _owner._logger.Error("{Event} of subtask {SubtaskId} dropped: {Reason}", liveEvent.Name, _subtaskId, ex.Message);
            }
        }

        private void ReportFirstEventLatency(long receivedAt)
        {
            _firstEventSent = true;
            var latency = TimeProvider.System.GetElapsedTime(receivedAt);
            ExecutorTelemetry.FirstProgressSent(latency);
            _owner._logger.Debug("First progress of subtask {SubtaskId} on its way {Latency:0.000} ms after the task arrived", _subtaskId, latency.TotalMilliseconds);
        }

        /// <returns>True when the final report needs no more sending.</returns>
        private async Task<bool> SendFinalAsync(PendingFinal final, CancellationToken cancellationToken)
        {
            await _owner._channel.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            var rendered = Render(final);
            try
            {
                var ack = await _owner._channel.CallAsync(rendered.EventName, rendered.Payload.DeepClone(), _owner._settings.AckTimeout, cancellationToken)
                    .ConfigureAwait(false);
                switch (ResultStyles.Classify(ack))
                {
                    case AckKind.Handled:
                        _owner._logger.Information("Delivered {Event} of subtask {SubtaskId}", rendered.EventName, _subtaskId);
                        return Done();
                    case AckKind.Error when ack!["error"]!.ToString() is var error && _owner._styles.Of(rendered.Protocol).IsFinalForDelivery(error):
                        _owner._logger.Warning("The backend will not take {Event} of subtask {SubtaskId}: {Error}; dropped", rendered.EventName, _subtaskId, error);
                        return Done();
                    case AckKind.Error:
                        _owner._logger.Warning("The backend answered {Event} of subtask {SubtaskId} with \"{Error}\"; retrying", rendered.EventName, _subtaskId, ack!["error"]);
                        break;
                    case AckKind.NoHandler when !final.Switched:
                        // Sent again at once, in the other style (only this event: what went live before is not replayed).
                        final.Switched = true;
                        _owner._styles.NoHandlerFor(rendered.Protocol, rendered.EventName);
                        return false;
                    case AckKind.NoHandler:
                        _owner._logger.Warning("The backend has no handler for {Event} of subtask {SubtaskId} in either style; dropped", rendered.EventName, _subtaskId);
                        return Done();
                }
            }
            catch (Exception ex) when (ex is TimeoutException or BackendDisconnectedException)
            {
                _owner._logger.Warning("{Event} of subtask {SubtaskId} not acknowledged ({Reason}); it stays in the outbox and is resent", rendered.EventName, _subtaskId, ex.Message);
            }
            catch (MessageTooLargeException ex)
            {
                _owner._logger.Error("{Event} of subtask {SubtaskId} cannot be sent: {Reason}", rendered.EventName, _subtaskId, ex.Message);
                return Done();
            }

            await Task.Delay(_owner._settings.RetryPause, _owner._time, cancellationToken).ConfigureAwait(false);
            return false;
        }

        /// <summary>The final report in the style it is owed now; the outbox learns of a change of style.</summary>
        private RenderedFinal Render(PendingFinal final)
        {
            var styles = _owner._styles;
            var protocol = final.Resumed ? styles.ForResumed(final.Entry.Style) : styles.ForTask(final.Entry.Report.Generation);
            if (protocol != final.Entry.Style)
            {
                final.Entry = final.Entry with { Style = protocol };
                _owner.TrySave(final.Entry);
            }

            if (final.Rendered?.Protocol != protocol) final.Rendered = styles.Of(protocol).Final(final.Entry.Report);
            return final.Rendered;
        }

        private bool Done()
        {
            _owner._outbox.Remove(_subtaskId);
            return true;
        }
    }
}

public sealed record DeliveryOptions
{
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Pause before resending after a failed send, so a dropping connection is not hammered.</summary>
    public TimeSpan RetryPause { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>WEGENT_RESULT_PROTOCOL: the style every subtask starts in; null detects it (auto).</summary>
    public ResultProtocol? ResultProtocol { get; init; }
}
