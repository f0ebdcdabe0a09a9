using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Logging;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;
using Wegent.Executor.Telemetry;

namespace Wegent.Executor.Connection;

/// <summary>Keeps the executor connected and registered: connect (with backoff, forever), register, heartbeat, and
/// reconnect when the session dies. Hands the backend's task events to <see cref="IBackendEventHandler"/>.</summary>
public sealed class ExecutorSession : IBackendChannel
{
    private const int RefusalsBeforeGivingUp = 3;
    private static readonly TimeSpan RegisterAckTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan HeartbeatAckTimeout = TimeSpan.FromSeconds(5);

    private readonly ISocketIoConnectionFactory _factory;
    private readonly ExecutorSessionSettings _settings;
    private readonly DeviceRegistration _registration;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AsyncSignal _heartbeatRequested = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _ready = NewReadySource();
    private ISocketIoConnection? _registered;

    public ExecutorSession(
        ISocketIoConnectionFactory factory,
        ExecutorSessionSettings settings,
        DeviceRegistration registration,
        TimeProvider time,
        ILogger logger)
    {
        _factory = factory;
        _settings = settings;
        _registration = registration;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised after every successful (re)registration.</summary>
    public event Action? Registered;

    public bool IsReady
    {
        get
        {
            lock (_gate) return _registered is not null;
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
            await using (connection.ConfigureAwait(false))
            {
                try
                {
                    await connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
                    refusals = 0;
                    failuresInARow = 0;
                    var reason = await RunConnectedAsync(connection, handler, backoff, cancellationToken).ConfigureAwait(false);
                    if (cancellationToken.IsCancellationRequested) return;
                    _logger.Warning("Connection to the backend lost ({Reason}); reconnecting", reason);
                    ExecutorTelemetry.Reconnecting();
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketIoConnectRefusedException ex) when (IsTokenRefusal(ex.ServerMessage))
                {
                    throw new BackendRefusedException($"The backend refused the token: {ex.ServerMessage}. Check WEGENT_AUTH_TOKEN.");
                }
                catch (Exception ex) when (ex is SocketIoConnectRefusedException or TimeoutException)
                {
                    refusals++;
                    var what = ex is SocketIoConnectRefusedException refused
                        ? $"refused the connection ({refused.ServerMessage ?? "no reason given"})"
                        : "did not answer the namespace connect";
                    var message = $"The backend {what}: the token (WEGENT_AUTH_TOKEN) may be invalid or expired, or the backend is shutting down";
                    if (refusals >= RefusalsBeforeGivingUp)
                    {
                        throw new BackendRefusedException($"{message} ({refusals} times in a row; giving up).");
                    }

                    _logger.Error("{Message} (refusal {Count} of {Max})", message, refusals, RefusalsBeforeGivingUp);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failuresInARow++;
                    if (failuresInARow == 1) _logger.Error("{Help}", new MultilineText(_settings.ConnectionFailureHelp(ex.Message)));
                    else _logger.Error("Failed to connect to Backend WebSocket: {Error}", ex.Message);
                }
            }

            var delay = backoff.Next();
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

    private async Task<string> RunConnectedAsync(ISocketIoConnection connection, IBackendEventHandler handler, ReconnectBackoff backoff, CancellationToken cancellationToken)
    {
        using var connectionScope = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
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
            _logger.Error("Device registration failed ({Error}); retrying in {Delay:0.0} s", error, delay.TotalSeconds);
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
            if (ack is JsonObject obj && obj["success"]?.GetValueKind() == System.Text.Json.JsonValueKind.True)
            {
                _logger.Information("Registered as device {DeviceId} ({Name})", _registration.DeviceId, _registration.Name);
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
            switch (await HeartbeatAsync(connection, handler.RunningTaskIds, cancellationToken).ConfigureAwait(false))
            {
                case HeartbeatResult.Acknowledged:
                    lastAck = _time.GetTimestamp();
                    unansweredSince = null;
                    break;
                case HeartbeatResult.NotRegistered:
                    _logger.Warning("The backend no longer knows this device on this connection; registering again");
                    if (!await RegisterUntilDoneAsync(connection, backoff, cancellationToken).ConfigureAwait(false))
                    {
                        return await connection.Closed.ConfigureAwait(false);
                    }

                    lastAck = _time.GetTimestamp();
                    unansweredSince = null;
                    break;
                case HeartbeatResult.Unanswered:
                    unansweredSince ??= sentAt;
                    break;
            }
        }
    }

    private async Task<HeartbeatResult> HeartbeatAsync(ISocketIoConnection connection, IReadOnlyList<long> runningTaskIds, CancellationToken cancellationToken)
    {
        var heartbeat = new DeviceHeartbeat(_registration.DeviceId, runningTaskIds);
        var sentAt = _time.GetTimestamp();
        try
        {
            var ack = await connection.CallAsync(KnownEvents.DeviceHeartbeat, ProtocolJson.ToNode(heartbeat), HeartbeatAckTimeout, cancellationToken)
                .ConfigureAwait(false);
            if (ack is JsonObject obj && obj["error"] is { } error)
            {
                if (error.ToString().Contains(KnownAckErrors.DeviceIdMismatch, StringComparison.OrdinalIgnoreCase)) return HeartbeatResult.NotRegistered;
                _logger.Warning("Heartbeat answered with an error: {Error}", error.ToString());
                return HeartbeatResult.Unanswered;
            }

            ExecutorTelemetry.HeartbeatAcknowledged(_time.GetElapsedTime(sentAt));
            _logger.Debug("Heartbeat acknowledged ({Running} running)", heartbeat.RunningTaskIds.Count);
            return HeartbeatResult.Acknowledged;
        }
        catch (Exception ex) when (ex is TimeoutException or SocketIoDisconnectedException)
        {
            _logger.Warning("Heartbeat not acknowledged: {Reason}", ex.Message);
            return HeartbeatResult.Unanswered;
        }
    }

    private async Task PumpEventsAsync(ISocketIoConnection connection, IBackendEventHandler handler, CancellationToken cancellationToken)
    {
        await foreach (var received in connection.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                handler.Handle(received.Name, received.Payload);
            }
            catch (Exception ex)
            {
                // One bad event must never take the connection down.
                _logger.Error(ex, "Handling {Event} failed", received.Name);
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

    private static bool IsTokenRefusal(string? message) =>
        message is not null && message.Contains("token", StringComparison.OrdinalIgnoreCase);

    private enum HeartbeatResult
    {
        Acknowledged,
        NotRegistered,
        Unanswered,
    }
}

public sealed record ExecutorSessionSettings
{
    public required Uri BackendUrl { get; init; }
    public required string Token { get; init; }
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(90);
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public Random Random { get; init; } = Random.Shared;

    /// <summary>The troubleshooting text shown on the first of a series of connection failures.</summary>
    public Func<string, string> ConnectionFailureHelp { get; init; } = error => $"Failed to connect to Backend WebSocket: {error}";
}
