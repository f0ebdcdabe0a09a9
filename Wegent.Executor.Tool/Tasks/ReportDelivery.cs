using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Serilog;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Protocol;
using Wegent.Executor.Telemetry;

namespace Wegent.Executor.Tasks;

/// <summary>Builds the newest progress snapshot of a run on demand, so coalescing costs one snapshot per interval.</summary>
public interface IProgressSource
{
    /// <summary>Null when there is nothing sendable (e.g. the snapshot cannot fit the size limit).</summary>
    TaskProgressMessage? Snapshot();
}

/// <summary>Sends what runs report: per subtask, at most one progress snapshot per interval (always the newest), then the
/// final event, kept in the outbox until acked. Each subtask has its own lane so a slow ack of one never delays another.</summary>
public sealed class ReportDelivery : IAsyncDisposable
{
    private readonly IBackendChannel _channel;
    private readonly Outbox _outbox;
    private readonly DeliverySettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, DeliveryLane> _lanes = new();
    private readonly CancellationTokenSource _stopping = new();

    public ReportDelivery(IBackendChannel channel, Outbox outbox, DeliverySettings settings, TimeProvider time, ILogger logger)
    {
        _channel = channel;
        _outbox = outbox;
        _settings = settings;
        _time = time;
        _logger = logger;
    }

    public int PendingFinals => _lanes.Values.Count(lane => lane.HasFinal);

    public void ProgressChanged(long subtaskId, IProgressSource source) => LaneOf(subtaskId).OfferProgress(source);

    /// <summary>A stage the user must see (e.g. "started"): sent in order, never coalesced away, still one per interval.</summary>
    /// <param name="receivedAt">For the first stage: when the task arrived (<see cref="TaskRequest.ReceivedAt"/>), to
    /// measure how soon the user hears of it; 0 otherwise.</param>
    public void Milestone(TaskProgressMessage message, long receivedAt = 0) =>
        LaneOf(message.SubtaskId).OfferMilestone(new PendingMilestone(message, receivedAt));

    /// <summary>Persists the final event, then delivers it after the newest progress snapshot.</summary>
    public void Finish(OutboxEntry final)
    {
        try
        {
            _outbox.Save(final);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.Error("Could not write the outbox entry of subtask {SubtaskId} ({Error}); it is kept in memory only", final.SubtaskId, ex.Message);
        }

        LaneOf(final.SubtaskId).OfferFinal(final);
    }

    /// <summary>Re-sends final events an earlier run of the executor could not deliver.</summary>
    public int ResumeFromOutbox()
    {
        var entries = _outbox.LoadAll();
        foreach (var entry in entries) LaneOf(entry.SubtaskId).OfferFinal(entry);
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

    private DeliveryLane LaneOf(long subtaskId) =>
        _lanes.GetOrAdd(subtaskId, id => new DeliveryLane(this, id));

    private sealed class DeliveryLane
    {
        private readonly ReportDelivery _owner;
        private readonly long _subtaskId;
        private readonly Lock _gate = new();
        private readonly AsyncSignal _wake = new();
        private readonly Queue<PendingMilestone> _milestones = new();
        private IProgressSource? _progress;
        private OutboxEntry? _final;
        private long _lastProgressSent = long.MinValue;
        private bool _firstProgressSent;

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

        public void OfferProgress(IProgressSource source)
        {
            lock (_gate)
            {
                if (_final is not null) return;
                _progress = source;
            }

            _wake.Set();
        }

        public void OfferMilestone(PendingMilestone milestone)
        {
            lock (_gate)
            {
                if (_final is not null) return;
                _milestones.Enqueue(milestone);
            }

            _wake.Set();
        }

        public void OfferFinal(OutboxEntry final)
        {
            lock (_gate) _final = final;
            _wake.Set();
        }

        private async Task RunAsync()
        {
            var cancellationToken = _owner._stopping.Token;
            try
            {
                while (true)
                {
                    _wake.Reset();
                    bool progressPending;
                    OutboxEntry? final;
                    lock (_gate)
                    {
                        // A cancel report is itself a progress event and replaces anything pending.
                        if (_final?.EventName == KnownEvents.TaskProgress) DropPendingProgress();
                        progressPending = _milestones.Count > 0 || _progress is not null;
                        final = _final;
                    }

                    if (progressPending)
                    {
                        // The flush before a final event keeps the pace too: one snapshot per interval (PROTOCOL.md 5.1).
                        var wait = TimeUntilNextProgress();
                        if (wait > TimeSpan.Zero)
                        {
                            await _wake.WaitAsync(wait, _owner._time, cancellationToken).ConfigureAwait(false);
                            continue;
                        }

                        await SendProgressAsync(cancellationToken).ConfigureAwait(false);
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

        private TimeSpan TimeUntilNextProgress() =>
            _lastProgressSent == long.MinValue
                ? TimeSpan.Zero
                : _owner._settings.ProgressInterval - _owner._time.GetElapsedTime(_lastProgressSent);

        /// <summary>Sends the oldest milestone, else the newest snapshot. Whatever fails to send stays pending.</summary>
        private async Task SendProgressAsync(CancellationToken cancellationToken)
        {
            await _owner._channel.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            PendingMilestone? milestone;
            IProgressSource? snapshot = null;
            lock (_gate)
            {
                // While waiting for the connection a cancel report may have arrived; it replaces anything pending.
                if (_final?.EventName == KnownEvents.TaskProgress)
                {
                    DropPendingProgress();
                    return;
                }

                if (!_milestones.TryPeek(out milestone))
                {
                    snapshot = _progress;
                    _progress = null;
                }
            }

            var message = milestone?.Message ?? snapshot?.Snapshot();
            if (message is null) return;
            try
            {
                _lastProgressSent = _owner._time.GetTimestamp();
                if (milestone is { ReceivedAt: not 0 and var receivedAt } && !_firstProgressSent) ReportFirstProgressLatency(receivedAt);
                await _owner._channel.CallWritingAsync(KnownEvents.TaskProgress, writer => ProtocolJson.Write(writer, message), _owner._settings.AckTimeout, cancellationToken)
                    .ConfigureAwait(false);
                if (milestone is not null)
                {
                    lock (_gate) _milestones.TryDequeue(out _);
                }
            }
            catch (Exception ex) when (ex is TimeoutException or SocketIoDisconnectedException)
            {
                // Keep it unless something newer arrived; the newest is sent once the connection is back.
                if (snapshot is not null)
                {
                    lock (_gate) _progress ??= _final is null ? snapshot : null;
                }

                _owner._logger.Debug("Progress of subtask {SubtaskId} not acknowledged ({Reason}); will resend the newest", _subtaskId, ex.Message);
                await Task.Delay(_owner._settings.RetryPause, _owner._time, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketIoMessageTooLargeException ex)
            {
                if (milestone is not null)
                {
                    lock (_gate) _milestones.TryDequeue(out _);
                }

                _owner._logger.Error("Progress of subtask {SubtaskId} dropped: {Reason}", _subtaskId, ex.Message);
            }
        }

        private void ReportFirstProgressLatency(long receivedAt)
        {
            _firstProgressSent = true;
            var latency = TimeProvider.System.GetElapsedTime(receivedAt);
            ExecutorTelemetry.FirstProgressSent(latency);
            _owner._logger.Debug("First progress of subtask {SubtaskId} on its way {Latency:0.000} ms after the task arrived", _subtaskId, latency.TotalMilliseconds);
        }

        private void DropPendingProgress()
        {
            _progress = null;
            _milestones.Clear();
        }

        /// <returns>True when the final event needs no more sending.</returns>
        private async Task<bool> SendFinalAsync(OutboxEntry final, CancellationToken cancellationToken)
        {
            await _owner._channel.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var ack = await _owner._channel.CallAsync(final.EventName, final.Payload.DeepClone(), _owner._settings.AckTimeout, cancellationToken)
                    .ConfigureAwait(false);
                var error = AckError(ack);
                if (error is null || KnownAckErrors.IsFinalForDelivery(error))
                {
                    if (error is null)
                    {
                        _owner._logger.Information("Delivered {Event} of subtask {SubtaskId}", final.EventName, _subtaskId);
                    }
                    else
                    {
                        _owner._logger.Warning("The backend will not take {Event} of subtask {SubtaskId}: {Error}; dropped", final.EventName, _subtaskId, error);
                    }

                    _owner._outbox.Remove(_subtaskId);
                    return true;
                }

                _owner._logger.Warning("The backend answered {Event} of subtask {SubtaskId} with \"{Error}\"; retrying", final.EventName, _subtaskId, error);
            }
            catch (Exception ex) when (ex is TimeoutException or SocketIoDisconnectedException)
            {
                _owner._logger.Warning("{Event} of subtask {SubtaskId} not acknowledged ({Reason}); it stays in the outbox and is resent", final.EventName, _subtaskId, ex.Message);
            }
            catch (SocketIoMessageTooLargeException ex)
            {
                _owner._logger.Error("{Event} of subtask {SubtaskId} cannot be sent: {Reason}", final.EventName, _subtaskId, ex.Message);
                _owner._outbox.Remove(_subtaskId);
                return true;
            }

            await Task.Delay(_owner._settings.RetryPause, _owner._time, cancellationToken).ConfigureAwait(false);
            return false;
        }

        private static string? AckError(JsonNode? ack) =>
            ack is JsonObject obj && obj["error"] is JsonNode error ? error.ToString() : null;
    }
}

public sealed record DeliverySettings
{
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Pause before resending after a failed send, so a dropping connection is not hammered.</summary>
    public TimeSpan RetryPause { get; init; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>A stage waiting in a lane; <see cref="ReceivedAt"/> is set on the first one, to measure its latency.</summary>
internal sealed record PendingMilestone(TaskProgressMessage Message, long ReceivedAt);
