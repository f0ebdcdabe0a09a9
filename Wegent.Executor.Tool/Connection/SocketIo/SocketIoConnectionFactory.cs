using Serilog;

namespace Wegent.Executor.Connection.SocketIo;

public sealed class SocketIoConnectionFactory(TimeProvider? timeProvider = null, ILogger? logger = null) : ISocketIoConnectionFactory
{
    public ISocketIoConnection Create(SocketIoConnectionOptions options) => new SocketIoConnection(options, timeProvider, logger);
}
