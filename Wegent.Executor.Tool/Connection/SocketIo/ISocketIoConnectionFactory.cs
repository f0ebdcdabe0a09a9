namespace Wegent.Executor.Connection.SocketIo;

public interface ISocketIoConnectionFactory
{
    ISocketIoConnection Create(SocketIoConnectionOptions options);
}
