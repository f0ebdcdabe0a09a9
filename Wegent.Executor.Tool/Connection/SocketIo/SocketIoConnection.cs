using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Serilog;
using Serilog.Core;
using Wegent.Executor.Logging;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Connection.SocketIo;

/// <summary>A Socket.IO v5 client session over one websocket (Engine.IO v4, no polling, no binary), joined to one
/// namespace. It never reconnects: once <see cref="Closed"/> completes the object is spent.</summary>
public sealed class SocketIoConnection : ISocketIoConnection
{
    private static readonly TimeSpan PoliteCloseTimeout = TimeSpan.FromSeconds(2);
    private const int ReceiveChunkBytes = 16 * 1024;

    /// <summary>Largest message accepted from the server: well above the backend's own limit, low enough that a broken or
    /// hostile server cannot exhaust memory.</summary>
    internal const int MaxIncomingMessageBytes = 16 * 1024 * 1024;

    /// <summary>A buffer grown past this by one large message is dropped afterwards, so memory returns to its baseline.</summary>
    private const int RetainedBufferBytes = 1024 * 1024;

    private readonly SocketIoConnectionOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Func<Uri, CancellationToken, Task<WebSocket>> _openWebSocket;
    // Unbounded on purpose: the receive loop must never wait for a slow consumer, or pings would go unanswered and
    // the server would drop the session; backend events (task dispatch, cancel) are few.
    private readonly Channel<SocketIoEvent> _events = Channel.CreateUnbounded<SocketIoEvent>();
    private readonly PendingAcks _acks = new();
    // ClientWebSocket allows one send at a time.
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _sessionCts = new();
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile WebSocket? _socket;
    private volatile PingWatchdog? _pingWatchdog;
    private volatile bool _keepSocketOnClose;
    private Task? _receiveLoop;
    private int _sizeLimit;
    private int _connectStarted;
    private int _disposed;

    public SocketIoConnection(SocketIoConnectionOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(options, timeProvider, logger, OpenClientWebSocketAsync)
    {
    }

    /// <summary>Lets tests supply the websocket (e.g. an in-process server end).</summary>
    internal SocketIoConnection(SocketIoConnectionOptions options, TimeProvider? timeProvider, ILogger? logger,
        Func<Uri, CancellationToken, Task<WebSocket>> openWebSocket)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxMessageBytes);
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (logger ?? Logger.None).ForContext<SocketIoConnection>();
        _openWebSocket = openWebSocket;
        _sizeLimit = options.MaxMessageBytes;
    }

    public ChannelReader<SocketIoEvent> Events => _events.Reader;

    public Task<string> Closed => _closed.Task;

    /// <summary>Pending acked calls; for tests and diagnostics.</summary>
    internal int PendingCallCount => _acks.Count;

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (Interlocked.Exchange(ref _connectStarted, 1) == 1)
        {
            throw new InvalidOperationException("ConnectAsync may be called only once per connection.");
        }

        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _timeProvider);
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var namespaceRequested = false;
        try
        {
            var uri = SocketIoEndpoint.WebSocketUri(_options.BaseUrl);
            var socket = await _openWebSocket(uri, connect.Token).ConfigureAwait(false);
            _socket = socket;
            if (_closed.Task.IsCompleted)
            {
                // Disposed while the websocket was opening.
                socket.Abort();
                socket.Dispose();
                throw new SocketIoDisconnectedException(await _closed.Task.ConfigureAwait(false));
            }

            _receiveLoop = Task.Run(() => ReceiveLoopAsync(socket, _sessionCts.Token), CancellationToken.None);
            await _opened.Task.WaitAsync(connect.Token).ConfigureAwait(false);
            var connectPacket = new SocketIoPacket(SocketIoPacketType.Connect, _options.Namespace, null, _options.Auth);
            try
            {
                await SendAsync(MessageFrame(connectPacket.Encode()), connect.Token).ConfigureAwait(false);
            }
            catch (SocketIoDisconnectedException) when (_joined.Task.IsFaulted)
            {
                // The server's refusal arrived, and closed the session, before our send had returned: the refusal is
                // the answer (seen under load: a bad token reported as a lost connection).
            }

            namespaceRequested = true;
            await _joined.Task.WaitAsync(connect.Token).ConfigureAwait(false);
            _logger.Debug("Joined Socket.IO namespace {Namespace} at {Uri}", _options.Namespace, uri);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Silence after our namespace connect is how some servers refuse; silence before it is a hung or
            // unreachable server, which is a transport failure like any other.
            var seconds = _options.ConnectTimeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
            var reason = namespaceRequested
                ? $"no answer to the namespace connect within {seconds} s"
                : $"the server did not open a session within {seconds} s";
            Close(reason);
            throw namespaceRequested
                ? new TimeoutException($"Socket.IO connect to {_options.BaseUrl} timed out: {reason}.")
                : new IOException($"Socket.IO connect to {_options.BaseUrl} timed out: {reason}.");
        }
        catch (OperationCanceledException) when (_closed.Task.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            throw new SocketIoDisconnectedException(await _closed.Task.ConfigureAwait(false));
        }
        catch (Exception e)
        {
            Close($"connect failed: {e.Message}");
            throw;
        }
    }

    public async Task EmitAsync(string eventName, JsonNode? payload, CancellationToken cancellationToken)
    {
        ThrowIfNotOpen();
        using var frame = CheckedFrame(SocketIoPacket.EncodeEventFrame(_options.Namespace, null, eventName, payload));
        await SendAsync(frame.Pieces, cancellationToken).ConfigureAwait(false);
    }

    public Task<JsonNode?> CallAsync(string eventName, JsonNode? payload, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync(eventName, id => SocketIoPacket.EncodeEventFrame(_options.Namespace, id, eventName, payload), timeout, cancellationToken);

    public Task<JsonNode?> CallWritingAsync(string eventName, Action<Utf8JsonWriter> writePayload, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync(eventName, id => SocketIoPacket.EncodeEventFrame(_options.Namespace, id, eventName, writePayload), timeout, cancellationToken);

    private async Task<JsonNode?> CallAsync(string eventName, Func<long, PooledFrame> encode, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ThrowIfNotOpen();
        var id = _acks.NextId();
        var answer = _acks.Register(id);
        try
        {
            using (var frame = CheckedFrame(encode(id)))
            {
                try
                {
                    await SendAsync(frame.Pieces, cancellationToken).ConfigureAwait(false);
                }
                catch (SocketIoDisconnectedException) when (answer.IsCompletedSuccessfully)
                {
                    // Acknowledged before the session closed and before our send had returned: it was delivered.
                }
            }

            return await answer.WaitAsync(timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No ack for '{eventName}' within {timeout.TotalSeconds:0.###} s.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _closed.Task.IsCompleted)
        {
            // The pending call was cancelled because the session closed.
            throw new SocketIoDisconnectedException(await _closed.Task.ConfigureAwait(false));
        }
        finally
        {
            _acks.Remove(id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        var socket = _socket;
        var polite = socket is not null && _joined.Task.IsCompletedSuccessfully && !_closed.Task.IsCompleted;
        _keepSocketOnClose = polite;
        Close("the client closed the connection");
        if (polite)
        {
            await CloseSocketPolitelyAsync(socket!).ConfigureAwait(false);
        }

        await _sessionCts.CancelAsync().ConfigureAwait(false);
        socket?.Abort();
        if (_receiveLoop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        socket?.Dispose();
        // _sessionCts is deliberately not disposed: a Close from the ping watchdog's timer thread may still be about to
        // cancel it (it has no timer of its own, so nothing leaks).
    }

    private static async Task<WebSocket> OpenClientWebSocketAsync(Uri uri, CancellationToken cancellationToken)
    {
        // Options.Proxy is left at its default, which routes through HttpClient.DefaultProxy (HTTP(S)_PROXY, NO_PROXY).
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Namespace disconnect, then a websocket close handshake; bounded, because the server may be gone.</summary>
    private async Task CloseSocketPolitelyAsync(WebSocket socket)
    {
        using var bound = new CancellationTokenSource(PoliteCloseTimeout, _timeProvider);
        using var abortOnTimeout = bound.Token.Register(socket.Abort);
        try
        {
            var disconnect = new SocketIoPacket(SocketIoPacketType.Disconnect, _options.Namespace, null, null);
            await SendAsync(MessageFrame(disconnect.Encode()), bound.Token).ConfigureAwait(false);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "client disconnect", bound.Token).ConfigureAwait(false);
            // The receive loop ends when the server answers the close frame.
            if (_receiveLoop is { } loop)
            {
                await loop.WaitAsync(bound.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or SocketIoDisconnectedException or ObjectDisposedException)
        {
            _logger.Debug("Socket.IO close handshake did not complete: {Error}", e.Message);
        }
    }

    private async Task ReceiveLoopAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(ReceiveChunkBytes);
        string reason;
        void ShrinkBuffer()
        {
            if (buffer.Capacity > RetainedBufferBytes) buffer = new ArrayBufferWriter<byte>(ReceiveChunkBytes);
        }

        try
        {
            while (true)
            {
                ShrinkBuffer();
                var type = await ReceiveMessageAsync(socket, buffer, cancellationToken).ConfigureAwait(false);
                if (type is null)
                {
                    reason = $"the server sent a message over {MaxIncomingMessageBytes} bytes";
                    break;
                }

                if (type == WebSocketMessageType.Close)
                {
                    reason = $"the server closed the websocket ({socket.CloseStatus} {socket.CloseStatusDescription})".TrimEnd();
                    break;
                }

                if (type == WebSocketMessageType.Binary)
                {
                    _logger.Warning("Ignored a binary websocket message of {Bytes} bytes: only JSON Socket.IO packets are supported", buffer.WrittenCount);
                    continue;
                }

                if (HandleEnginePacket(Encoding.UTF8.GetString(buffer.WrittenSpan)) is { } closeReason)
                {
                    reason = closeReason;
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reason = "the receive loop was stopped";
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            reason = $"the websocket failed: {e.Message}";
        }
        catch (Exception e)
        {
            // The loop must always end by closing the session, whatever went wrong.
            _logger.Error(e, "Socket.IO receive loop failed");
            reason = $"the receive loop failed: {e.Message}";
        }

        Close(reason);
    }

    /// <summary>Reads one whole websocket message (all its frames) into <paramref name="buffer"/>.</summary>
    /// <returns>The message type, or null when the message exceeds <see cref="MaxIncomingMessageBytes"/>.</returns>
    private static async Task<WebSocketMessageType?> ReceiveMessageAsync(WebSocket socket, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        buffer.ResetWrittenCount();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(ReceiveChunkBytes), cancellationToken).ConfigureAwait(false);
            buffer.Advance(result.Count);
            if (buffer.WrittenCount > MaxIncomingMessageBytes) return null;
            if (result.MessageType == WebSocketMessageType.Close || result.EndOfMessage)
            {
                return result.MessageType;
            }
        }
    }

    /// <returns>A reason to close the session, or null to keep reading.</returns>
    private string? HandleEnginePacket(string text)
    {
        try
        {
            var packet = EnginePacket.Decode(text);
            switch (packet.Type)
            {
                case EnginePacketType.Open:
                    HandleOpen(EngineOpenInfo.Parse(packet.Data));
                    return null;
                case EnginePacketType.Close:
                    return "the server closed the Engine.IO session";
                case EnginePacketType.Ping:
                    _pingWatchdog?.PingReceived();
                    _ = SendPongAsync();
                    return null;
                case EnginePacketType.Message:
                    return HandleSocketIoPacket(SocketIoPacket.Decode(packet.Data));
                default:
                    return null;
            }
        }
        catch (SocketIoProtocolException e)
        {
            _logger.Warning("Ignored a malformed packet from the server: {Error} (starts {Start})", LogText.Of(e.Message), LogText.Of(text, 80));
            return null;
        }
    }

    private void HandleOpen(EngineOpenInfo open)
    {
        if (_opened.Task.IsCompleted)
        {
            throw new SocketIoProtocolException("A second Engine.IO open packet.");
        }

        if (open.MaxPayload is { } maxPayload)
        {
            _sizeLimit = Math.Min(_sizeLimit, maxPayload);
        }

        _pingWatchdog = new PingWatchdog(_timeProvider, open.PingDeadline,
            () => Close($"no ping from the server within {open.PingDeadline.TotalSeconds:0.###} s (the connection is dead)"));
        if (_closed.Task.IsCompleted)
        {
            _pingWatchdog.Dispose();
        }

        _logger.Debug("Engine.IO open: sid {Sid}, ping interval {PingInterval}, ping timeout {PingTimeout}", LogText.Of(open.Sid), open.PingInterval, open.PingTimeout);
        _opened.TrySetResult();
    }

    private string? HandleSocketIoPacket(SocketIoPacket packet)
    {
        if (packet.Namespace != _options.Namespace)
        {
            _logger.Debug("Ignored a {Type} packet for namespace {Namespace}", packet.Type, LogText.Of(packet.Namespace));
            return null;
        }

        switch (packet.Type)
        {
            case SocketIoPacketType.Connect:
                _joined.TrySetResult();
                return null;
            case SocketIoPacketType.ConnectError:
                var message = packet.ReadConnectErrorMessage();
                _joined.TrySetException(new SocketIoConnectRefusedException(message));
                return $"the server refused the namespace connect: {message}";
            case SocketIoPacketType.Disconnect:
                return "the server disconnected the namespace";
            case SocketIoPacketType.Event:
                var received = packet.TakeEvent();
                if (packet.AckId is { } callId)
                {
                    received = received with { Reply = new BackendCallReply(answer => AnswerAsync(callId, answer)) };
                }

                _events.Writer.TryWrite(received);
                return null;
            case SocketIoPacketType.Ack when packet.AckId is { } id:
                if (!_acks.Complete(id, packet.TakeAckResult()))
                {
                    _logger.Debug("Ignored ack {AckId}: no call waits for it (timed out or cancelled)", id);
                }

                return null;
            default:
                throw new SocketIoProtocolException($"Unexpected {packet.Type} packet (ack id {packet.AckId}).");
        }
    }

    /// <summary>Answers the server's call <paramref name="ackId"/>; false when the session is closed or the answer too large.</summary>
    private async Task<bool> AnswerAsync(long ackId, JsonNode? answer)
    {
        if (_closed.Task.IsCompleted) return false;
        try
        {
            using var frame = CheckedFrame(SocketIoPacket.EncodeAckFrame(_options.Namespace, ackId, answer));
            await SendAsync(frame.Pieces, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (SocketIoDisconnectedException)
        {
            return false;
        }
        catch (SocketIoMessageTooLargeException e)
        {
            _logger.Warning("Did not answer the server's call {AckId}: {Error}", ackId, e.Message);
            return false;
        }
    }

    private async Task SendPongAsync()
    {
        try
        {
            await SendAsync(Frame(EnginePacket.Pong.Encode()), _sessionCts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketIoDisconnectedException or OperationCanceledException or ObjectDisposedException)
        {
            // The session is closing; the missing pong no longer matters.
        }
    }

    private void ThrowIfNotOpen()
    {
        if (_closed.Task.IsCompleted)
        {
            throw new SocketIoDisconnectedException(_closed.Task.Result);
        }

        if (!_joined.Task.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The Socket.IO connection is not connected yet; await ConnectAsync first.");
        }
    }

    private static byte[] Frame(string engineIoPacket) => Encoding.UTF8.GetBytes(engineIoPacket);

    private static byte[] MessageFrame(string socketIoPacket) => Frame(EnginePacket.Message(socketIoPacket).Encode());

    /// <summary>Enforces the size limit before anything is sent.</summary>
    private PooledFrame CheckedFrame(PooledFrame frame)
    {
        if (frame.Length <= _sizeLimit) return frame;
        var size = frame.Length;
        frame.Dispose();
        throw new SocketIoMessageTooLargeException(size, _sizeLimit);
    }

    private Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) => SendAsync([frame], cancellationToken);

    /// <summary>Sends one websocket text message, made of <paramref name="pieces"/> as its fragments.</summary>
    private async Task SendAsync(IReadOnlyList<ReadOnlyMemory<byte>> pieces, CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new InvalidOperationException("The websocket is not open.");
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Not the caller's token: cancelling a send half-way would abort the whole websocket.
            for (var i = 0; i < pieces.Count; i++)
            {
                await socket.SendAsync(pieces[i], WebSocketMessageType.Text, endOfMessage: i == pieces.Count - 1, _sessionCts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            Close($"sending failed: {e.Message}");
            throw new SocketIoDisconnectedException(await _closed.Task.ConfigureAwait(false));
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Ends the session once: records the reason, releases every waiter, and (unless a polite close is
    /// under way) stops the receive loop and aborts the websocket.</summary>
    private void Close(string reason)
    {
        if (!_closed.TrySetResult(reason))
        {
            return;
        }

        _logger.Information("Socket.IO session closed: {Reason}", LogText.Of(reason));
        _pingWatchdog?.Dispose();
        _acks.CancelAll();
        _opened.TrySetCanceled();
        _joined.TrySetCanceled();
        _events.Writer.TryComplete();
        if (!_keepSocketOnClose)
        {
            _sessionCts.Cancel();
            _socket?.Abort();
        }
    }
}
