namespace Wegent.Executor.Connection.SocketIo;

/// <summary>A packet from the server that does not follow Engine.IO v4 / Socket.IO v5 (or uses binary, which we do not speak).</summary>
internal sealed class SocketIoProtocolException(string message) : Exception(message);
