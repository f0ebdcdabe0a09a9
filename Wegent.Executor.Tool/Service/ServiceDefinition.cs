namespace Wegent.Executor.Service;

/// <summary>What a service unit needs to start the executor the way the user's shell would.</summary>
/// <param name="Command">The executable, then its arguments (e.g. <c>dotnet</c> and the dll when not run from an apphost).</param>
/// <param name="Home">The executor's home (holds config.env).</param>
/// <param name="PathVariable">PATH captured at install time: services start without the user's shell PATH, so
/// <c>claude</c>, <c>node</c> and <c>git</c> would not be found.</param>
/// <param name="GracefulShutdownTimeout">The executor's GRACEFUL_SHUTDOWN_TIMEOUT; the stop timeout must exceed it.</param>
public sealed record ServiceDefinition(
    IReadOnlyList<string> Command,
    string Home,
    string PathVariable,
    TimeSpan GracefulShutdownTimeout)
{
    /// <summary>Time the service manager waits beyond the graceful shutdown timeout before it kills the executor.</summary>
    public static readonly TimeSpan StopSlack = TimeSpan.FromSeconds(10);

    public TimeSpan StopTimeout => GracefulShutdownTimeout + StopSlack;
}
