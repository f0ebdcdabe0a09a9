using System.Net.WebSockets;
using System.Text;

namespace Wegent.Executor.Tests.Connection.SocketIo;

/// <summary>Passes everything to <paramref name="inner"/>, except that a message starting with
/// <paramref name="heldPrefix"/> is sent but its send does not return until the socket is aborted, and then fails, as
/// a send still in flight does. Reproduces a server answering before the sender has seen its send complete.</summary>
internal sealed class SendReturnsAfterAbortWebSocket(WebSocket inner, string heldPrefix) : WebSocket
{
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

    public override string? CloseStatusDescription => inner.CloseStatusDescription;

    public override WebSocketState State => inner.State;

    public override string? SubProtocol => inner.SubProtocol;

    public override void Abort()
    {
        _aborted.TrySetResult();
        inner.Abort();
    }

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Dispose() => inner.Dispose();

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
        inner.ReceiveAsync(buffer, cancellationToken);

    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        inner.ReceiveAsync(buffer, cancellationToken);

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        SendAsync(buffer.AsMemory(), messageType, endOfMessage, cancellationToken).AsTask();

    public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        await inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
        if (!Encoding.UTF8.GetString(buffer.Span).StartsWith(heldPrefix, StringComparison.Ordinal)) return;
        await _aborted.Task.WaitAsync(cancellationToken);
        throw new WebSocketException(WebSocketError.InvalidState, "The websocket was aborted while the send was in flight.");
    }
}
