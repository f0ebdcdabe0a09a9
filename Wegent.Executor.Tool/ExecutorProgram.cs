using Wegent.Executor.Agents;
using Wegent.Executor.Configuration;
using Wegent.Executor.Connection;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Logging;
using Wegent.Executor.Processes;
using Wegent.Executor.Protocol;
using Wegent.Executor.Telemetry;
using Wegent.ServiceDefaults;

namespace Wegent.Executor;

/// <summary>Start-up in order: logging, the home lock, directories, device identity; then the host until stopped.</summary>
public static class ExecutorProgram
{
    public const string Capability = "claude_code";

    public static async Task<int> RunAsync(LoadedConfiguration loaded, CancellationToken stop)
    {
        var options = loaded.Options;
        using var logging = LoggingSetup.Create(options, SecretMasker.For(options));
        var log = logging.Logger.ForComponent("executor");
        using var telemetry = WegentTelemetry.StartExportIfConfigured("wegent-executor", [ExecutorTelemetry.Name], Environment.GetEnvironmentVariable);
        foreach (var warning in loaded.Warnings) log.Warning("{Warning}", warning);
        if (ConfigFilePermissions.Tighten(options.ConfigFile) is { } loosePermissions) log.Warning("{Warning}", loosePermissions);
        foreach (var note in loaded.DebugNotes) log.Debug("{Note}", note);
        log.Information("Starting wegent-executor {Version} (home {Home}, backend {BackendUrl})", ExecutorVersion.Current, options.Home, options.BackendUrl.ToString());

        HomeLock homeLock;
        DeviceIdentity identity;
        try
        {
            homeLock = HomeLock.Acquire(options.Home);
            if (ExecutorDirectories.Create(options) is { } openHome) log.Warning("{Warning}", openHome);
            identity = DeviceIdentityResolver.ForThisMachine(Environment.GetEnvironmentVariable("HOME") ?? Environment.GetEnvironmentVariable("USERPROFILE"))
                .Resolve(options.Home);
        }
        catch (Exception ex) when (ex is HomeLockedException or IOException or UnauthorizedAccessException)
        {
            log.Error("{Error}", ex.Message);
            return ExitCodes.Failure;
        }

        using (homeLock)
        {
            log.Information("Device {DeviceId} ({Name}, id from {Source})", identity.DeviceId, identity.Name, identity.Source);
            using var reaper = OrphanReaper.Start();
            var agent = new ClaudeCodeAgent(new ClaudeCodeAgentOptions
            {
                MarkerPrefix = reaper?.MarkerPrefix,
                CliPath = options.ClaudeCliPath,
                PermissionMode = options.PermissionMode,
                IdleTimeout = options.AgentIdleTimeout,
                MaxApiRetries = options.AgentMaxRetries,
                ApiTimeout = options.AgentApiTimeout,
                TrustRepositorySettings = options.TrustRepositorySettings,
                SandboxHiddenDirectories = options.AgentSandbox == "bwrap" ? [options.Home, options.WorkspaceRoot, options.LogDirectory] : null,
            });
            var host = new ExecutorHost(
                options,
                new DeviceRegistration(identity.DeviceId, identity.Name, ExecutorVersion.Current, [Capability], identity.RuntimeInstanceId),
                agent,
                new SocketIoConnectionFactory(TimeProvider.System, logging.Logger.ForComponent("socket")),
                new FailureAdvice(
                    reason => Troubleshooting.ConnectionFailed(options.BackendUrl, reason),
                    reason => Troubleshooting.AgentInitializationFailed(reason)),
                TimeProvider.System,
                logging.Logger);
            try
            {
                return await host.RunAsync(stop).ConfigureAwait(false) ? ExitCodes.Ok : ExitCodes.Failure;
            }
            catch (BackendRefusedException ex)
            {
                log.Error("{Error}", ex.Message);
                return ExitCodes.RefusedByBackend;
            }
        }
    }
}
