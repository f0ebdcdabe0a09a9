using Wegent.Executor.Protocol;

namespace Wegent.Executor.Connection.SocketIo;

public sealed class SocketIoMessageTooLargeException(int size, int limit) : MessageTooLargeException(size, limit);
