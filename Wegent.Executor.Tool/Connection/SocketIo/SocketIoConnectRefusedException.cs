namespace Wegent.Executor.Connection.SocketIo;

public sealed class SocketIoConnectRefusedException(string? serverMessage)
    : Exception(serverMessage is null ? "The server refused the namespace connect." : $"The server refused the namespace connect: {serverMessage}")
{
    public string? ServerMessage { get; } = serverMessage;
}
