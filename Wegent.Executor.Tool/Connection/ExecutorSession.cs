using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Logging;
using Wegent.Executor.Protocol;
using Wegent.Executor.Telemetry;
using Wegent.Executor.Threading;

namespace Wegent.Executor.Connection;

/// <summary>Keeps the executor connected and registered: connect (with backoff, forever), register, probe which result
/// events the backend takes, heartbeat, and reconnect when the session dies. Hands the backend's events and calls to
/// <see cref="IBackendEventHandler"/>.</summary>
/// <remarks>Readiness (<see cref="WaitUntilReadyAsync"/>) waits for the probe's answer, bounded by
/// <see cref="ResultProtocolProbe.AnswerTimeout"/>: the first result sent after a (re)connect, often a final re-sent from
/// the outbox, then goes out in the style this backend takes.</remarks>
public sealed class ExecutorSession : IBackendChannel
{
    private const int RefusalsBeforeGivingUp = 3;
    private static readonly TimeSpan RegisterAckTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan HeartbeatAckTimeout = TimeSpan.FromSeconds(5);

    private readonly ISocketIoConnectionFactory _factory;
    private readonly ExecutorSessionOptions _settings;
    private readonly DeviceRegistration _registration;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StaleConnectionWatch _staleConnections;
    private readonly AsyncSignal _heartbeatRequested = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _ready = NewReadySource();
    private ISocketIoConnection? _registered;
    private ResultProtocol? _probed;
    private string? _lastProbeNews;

    public ExecutorSession(
        ISocketIoConnectionFactory factory,
        ExecutorSessionOptions settings,
        DeviceRegistration registration,
        TimeProvider time,
        ILogger logger)
    {
        _factory = factory;
        _settings = settings;
        _registration = registration;
        _time = time;
        _logger = logger;
        _staleConnections = new StaleConnectionWatch(registration.DeviceId, time, logger);
    }

    /// <summary>Raised after every successful (re)registration, once the probe has answered or timed out.</summary>
    public event Action? Registered;

    public bool IsReady
    {
        get
        {
            lock (_gate) return _registered is not null;
        }
    }

    public ResultProtocol? ProbedResultProtocol
    {
        get
        {
            lock (_gate) return _probed;
        }
    }

    public Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        lock (_gate) return _ready.Task.WaitAsync(cancellationToken);
    }

    public Task<JsonNode?> CallAsync(string eventName, JsonNode payload, TimeSpan timeout, CancellationToken cancellationToken) =>
        OnRegistered(connection => connection.CallAsync(eventName, payload, timeout, cancellationToken));

    public Task<JsonNode?> CallWritingAsync(string eventName, Action<Utf8JsonWriter> writePayload, TimeSpan timeout, CancellationToken cancellationToken) =>
        OnRegistered(connection => connection.CallWritingAsync(eventName, writePayload, timeout, cancellationToken));

    private Task<JsonNode?> OnRegistered(Func<ISocketIoConnection, Task<JsonNode?>> call)
    {
        ISocketIoConnection? connection;
        lock (_gate) connection = _registered;
        return connection is null ? Task.FromException<JsonNode?>(new SocketIoDisconnectedException("not registered")) : call(connection);
    }

    public void RequestHeartbeat() => _heartbeatRequested.Set();

    /// <summary>Runs until cancelled.</summary>
    /// <exception cref="BackendRefusedException">The backend refused the token.</exception>
    public async Task RunAsync(IBackendEventHandler handler, CancellationToken cancellationToken)
    {
        var backoff = new ReconnectBackoff(_settings.ReconnectDelay, _settings.ReconnectMaxDelay, _settings.Random);
        var refusals = 0;
        var failuresInARow = 0;
        for (var attempt = 1; !cancellationToken.IsCancellationRequested; attempt++)
        {
            _logger.Information("Connecting to {BackendUrl} (attempt {Attempt})", _settings.BackendUrl, attempt);
            var connection = _factory.Create(new SocketIoConnectionOptions
            {
                BaseUrl = _settings.BackendUrl,
                Namespace = KnownEvents.Namespace,
                Auth = new JsonObject { ["token"] = _settings.Token },
                ConnectTimeout = _settings.ConnectTimeout,
            });
            var shortestWait = TimeSpan.Zero;
            await using (connection.ConfigureAwait(false))
            {
                try
                {
                    await connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
                    refusals = 0;
                    failuresInARow = 0;
                    var reason = await RunConnectedAsync(connection, handler, backoff, cancellationToken).ConfigureAwait(false);
                    if (cancellationToken.IsCancellationRequested) return;
                    _logger.Warning("Connection to the backend lost ({Reason}); reconnecting", LogText.Of(reason));
                    ExecutorTelemetry.Reconnecting();
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketIoConnectRefusedException ex)
                {
                    var refusal = ConnectRefusal.Classify(ex.ServerMessage);
                    var serverMessage = ex.ServerMessage is null ? null : LogText.Of(ex.ServerMessage);
                    switch (refusal.Kind)
                    {
                        case ConnectRefusalKind.Permanent:
                            throw new BackendRefusedException(refusal.Describe(serverMessage) + ".");
                        case ConnectRefusalKind.RateLimited:
                            shortestWait = ConnectRefusal.RateLimitWindow * (1 + (0.2 * _settings.Random.NextDouble()));
                            _logger.Warning("{Refusal}; waiting before the next attempt", refusal.Describe(serverMessage));
                            break;
                        case ConnectRefusalKind.Temporary:
                            _logger.Warning("{Refusal}; retrying", refusal.Describe(serverMessage));
                            break;
                        default:
                            CountUnexplainedRefusal(ref refusals, $"refused the connection ({serverMessage ?? "no reason given"})", refusal);
                            break;
                    }
                }
                catch (TimeoutException)
                {
                    CountUnexplainedRefusal(ref refusals, "did not answer the namespace connect", ConnectRefusal.Classify(null));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failuresInARow++;
                    if (failuresInARow == 1) _logger.Error("{Help}", new MultilineText(_settings.ConnectionFailureHelp(ex.Message)));
                    else _logger.Error("Failed to connect to Backend WebSocket: {Error}", ex.Message);
                }
            }

            var delay = backoff.Next();
            if (delay < shortestWait) delay = shortestWait;
            _logger.Information("Next connection attempt in {Delay:0.0} s", delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>PROTOCOL.md section 1: a server that hides its reason is given three chances in a row, then the run ends.</summary>
    private void CountUnexplainedRefusal(ref int refusals, string what, ConnectRefusal refusal)
    {
        refusals++;
        var message = $"The backend {what}: {refusal.Cause}";
        if (refusals >= RefusalsBeforeGivingUp)
        {
            throw new BackendRefusedException($"{message} ({refusals} times in a row; giving up).");
        }

        _logger.Error("{Message} (refusal {Count} of {Max})", message, refusals, RefusalsBeforeGivingUp);
    }

    private async Task<string> RunConnectedAsync(ISocketIoConnection connection, IBackendEventHandler handler, ReconnectBackoff backoff, CancellationToken cancellationToken)
    {
        using var connectionScope = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The verdict belongs to a connection: the backend may have been upgraded in between.
        lock (_gate) _probed = null;
        var pump = PumpEventsAsync(connection, handler, connectionScope.Token);
        try
        {
            if (!await RegisterUntilDoneAsync(connection, backoff, cancellationToken).ConfigureAwait(false))
            {
                return await connection.Closed.ConfigureAwait(false);
            }

            backoff.Reset();
            return await HeartbeatUntilLostAsync(connection, handler, backoff, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            SetRegistered(null);
            await connectionScope.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <returns>False when the connection closed before a registration succeeded.</returns>
    private async Task<bool> RegisterUntilDoneAsync(ISocketIoConnection connection, ReconnectBackoff backoff, CancellationToken cancellationToken)
    {
        while (!connection.Closed.IsCompleted)
        {
            var error = await RegisterAsync(connection, cancellationToken).ConfigureAwait(false);
            if (error is null) return true;
            var delay = backoff.Next();
            _logger.Error("Device registration failed ({Error}); retrying in {Delay:0.0} s", LogText.Of(error), delay.TotalSeconds);
            await Task.WhenAny(connection.Closed, Task.Delay(delay, _time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return false;
    }

    /// <returns>Null on success, else what went wrong.</returns>
    private async Task<string?> RegisterAsync(ISocketIoConnection connection, CancellationToken cancellationToken)
    {
        SetRegistered(null);
        try
        {
            var ack = await connection.CallAsync(KnownEvents.DeviceRegister, ProtocolJson.ToNode(_registration), RegisterAckTimeout, cancellationToken)
                .ConfigureAwait(false);
            if (ack is JsonObject obj && obj["success"]?.GetValueKind() == JsonValueKind.True)
            {
                _logger.Information("Registered as device {DeviceId} ({Name})", _registration.DeviceId, _registration.Name);
                await ProbeResultProtocolAsync(connection, cancellationToken).ConfigureAwait(false);
                SetRegistered(connection);
                Registered?.Invoke();
                return null;
            }

            return ack is JsonObject { } failure && failure["error"] is { } error ? error.ToString() : $"unexpected answer {ack?.ToJsonString() ?? "null"}";
        }
        catch (Exception ex) when (ex is TimeoutException or SocketIoDisconnectedException)
        {
            return ex.Message;
        }
    }

    /// <summary>Asks the freshly registered connection which result events it takes; keeps this connection's earlier
    /// verdict when no answer comes.</summary>
    private async Task ProbeResultProtocolAsync(ISocketIoConnection connection, CancellationToken cancellationToken)
    {
        ResultProtocol? verdict;
        try
        {
            var answer = await connection.CallAsync(ResultProtocolProbe.EventName, ResultProtocolProbe.Payload(), ResultProtocolProbe.AnswerTimeout, cancellationToken)
                .ConfigureAwait(false);
            verdict = ResultProtocolProbe.Read(answer);
            if (verdict is null) _logger.Debug("The result-protocol probe got an answer that tells nothing: {Answer}", LogText.Of(answer));
        }
        catch (TimeoutException)
        {
            verdict = null;
        }
        catch (SocketIoDisconnectedException)
        {
            return;
        }

        lock (_gate)
        {
            if (verdict is not null) _probed = verdict;
            verdict = _probed;
        }

        // Logged once, and again only when the news changes (a reconnect to an upgraded backend).
        var news = ResultProtocolProbe.Describe(verdict);
        if (news == _lastProbeNews) return;
        _lastProbeNews = news;
        if (verdict is null) _logger.Warning("{News}", news);
        else _logger.Information("{News}", news);
    }

    private async Task<string> HeartbeatUntilLostAsync(ISocketIoConnection connection, IBackendEventHandler handler, ReconnectBackoff backoff, CancellationToken cancellationToken)
    {
        var lastAck = _time.GetTimestamp();
        long? unansweredSince = null;
        var first = true;
        while (true)
        {
            if (!first)
            {
                var wake = _heartbeatRequested.WaitAsync(_settings.HeartbeatInterval, _time, cancellationToken);
                await Task.WhenAny(wake, connection.Closed).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            first = false;
            _heartbeatRequested.Reset();
            if (connection.Closed.IsCompleted) return await connection.Closed.ConfigureAwait(false);

            if (unansweredSince is { } since && _time.GetElapsedTime(since) >= _settings.HeartbeatTimeout)
            {
                return $"no heartbeat acknowledged for {_settings.HeartbeatTimeout.TotalSeconds:0} s";
            }

            if (unansweredSince is null && _time.GetElapsedTime(lastAck) > _settings.HeartbeatTimeout)
            {
                // Nothing was sent for that long (e.g. the machine slept): the backend shows us offline; register again.
                _logger.Warning("Last heartbeat was {Seconds:0} s ago; registering again", _time.GetElapsedTime(lastAck).TotalSeconds);
                if (!await RegisterUntilDoneAsync(connection, backoff, cancellationToken).ConfigureAwait(false))
                {
                    return await connection.Closed.ConfigureAwait(false);
                }

                lastAck = _time.GetTimestamp();
            }

            var sentAt = _time.GetTimestamp();
            switch (await HeartbeatAsync(connection, handler, cancellationToken).ConfigureAwait(false))
            {
                case HeartbeatResult.Acknowledged:
                    lastAck = _time.GetTimestamp();
                    unansweredSince = null;
                    break;
                case HeartbeatResult.NotRegistered:
                    if (!await RegisterUntilDoneAsync(connection, backoff, cancellationToken).ConfigureAwait(false))
                    {
                        return await connection.Closed.ConfigureAwait(false);
                    }

                    lastAck = _time.GetTimestamp();
                    unansweredSince = null;
                    // As after the first registration: a heartbeat at once tells the backend what runs here.
                    first = true;
                    break;
                case HeartbeatResult.Stale:
                    _staleConnections.Noticed();
                    return "another connection registered this device after this one (Stale device connection)";
                case HeartbeatResult.NotAuthenticated:
                    return "the backend no longer knows this connection (Not authenticated)";
                case HeartbeatResult.Unanswered:
                    unansweredSince ??= sentAt;
                    break;
            }
        }
    }

    private async Task<HeartbeatResult> HeartbeatAsync(ISocketIoConnection connection, IBackendEventHandler handler, CancellationToken cancellationToken)
    {
        var running = handler.RunningTaskIds;
        var heartbeat = new DeviceHeartbeat(_registration.DeviceId, running, _registration.RuntimeInstanceId,
            RuntimeCapacity.Observe(_settings.MaxConcurrentTasks, running, handler.QueuedCount));
        var sentAt = _time.GetTimestamp();
        try
        {
            var ack = await connection.CallAsync(KnownEvents.DeviceHeartbeat, ProtocolJson.ToNode(heartbeat), HeartbeatAckTimeout, cancellationToken)
                .ConfigureAwait(false);
            if (ack is JsonObject obj && obj["error"] is { } errorNode)
            {
                return ReadHeartbeatError(errorNode.ToString());
            }

            ExecutorTelemetry.HeartbeatAcknowledged(_time.GetElapsedTime(sentAt));
            _logger.Debug("Heartbeat acknowledged ({Running} running, {Queued} queued)", heartbeat.RunningTaskIds.Count, heartbeat.RuntimeCapacity.Queued);
            return HeartbeatResult.Acknowledged;
        }
        catch (Exception ex) when (ex is TimeoutException or SocketIoDisconnectedException)
        {
            _logger.Warning("Heartbeat not acknowledged: {Reason}", ex.Message);
            return HeartbeatResult.Unanswered;
        }
    }

    private HeartbeatResult ReadHeartbeatError(string error)
    {
        bool Says(string known) => error.Contains(known, StringComparison.OrdinalIgnoreCase);

        if (Says(KnownHeartbeatErrors.StaleConnection)) return HeartbeatResult.Stale;
        if (Says(KnownAckErrors.DeviceIdMismatch) || Says(KnownHeartbeatErrors.RuntimeInstanceIdMismatch))
        {
            _logger.Warning("The backend answered the heartbeat with '{Error}': it no longer knows this device on this connection; registering again", LogText.Of(error));
            return HeartbeatResult.NotRegistered;
        }

        if (Says(KnownHeartbeatErrors.NotAuthenticated)) return HeartbeatResult.NotAuthenticated;
        // An invalid payload is a bug of this executor: the backend then shows no capacity for this device.
        _logger.Error("Heartbeat answered with an error: {Error}", LogText.Of(error));
        return HeartbeatResult.Unanswered;
    }

    private async Task PumpEventsAsync(ISocketIoConnection connection, IBackendEventHandler handler, CancellationToken cancellationToken)
    {
        await foreach (var received in connection.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                handler.Handle(received.Name, received.Payload, received.Reply);
            }
            catch (Exception ex)
            {
                // One bad event must never take the connection down, nor leave the backend waiting for an answer.
                _logger.Error(ex, "Handling {Event} failed", LogText.Of(received.Name));
                if (received.Reply is { } reply) _ = reply.SendAsync(DeviceCallAnswers.Failure($"wegent-executor failed to handle '{received.Name}'"));
            }
        }
    }

    private void SetRegistered(ISocketIoConnection? connection)
    {
        lock (_gate)
        {
            _registered = connection;
            if (connection is not null) _ready.TrySetResult();
            else if (_ready.Task.IsCompleted) _ready = NewReadySource();
        }
    }

    private static TaskCompletionSource NewReadySource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private enum HeartbeatResult
    {
        Acknowledged,
        NotRegistered,
        Stale,
        NotAuthenticated,
        Unanswered,
    }
}
