using Wegent.Executor.Protocol;

namespace Wegent.Executor.Connection.SocketIo;

public sealed class SocketIoDisconnectedException(string reason) : BackendDisconnectedException($"The Socket.IO session is closed: {reason}");
