namespace Wegent.Executor.Protocol;

/// <summary>What newer backends call on a device beyond tasks (PROTOCOL-RESPONSES.md sections 4 and 9). They wait for an
/// answer, except <see cref="Upgrade"/>, which is answered with <see cref="UpgradeStatus"/>.</summary>
public static class KnownDeviceCalls
{
    public const string SyncCapabilities = "device:sync_capabilities";
    public const string ExecuteCommand = "device:execute_command";
    public const string RuntimeRpc = "runtime:rpc";
    public const string StartTerminalSession = "device:start_terminal_session";
    public const string StartCodeServerSession = "device:start_code_server_session";
    public const string TerminalAttach = "terminal:attach";
    public const string TerminalInput = "terminal:input";
    public const string TerminalResize = "terminal:resize";
    public const string TerminalClose = "terminal:close";
    public const string RunExtension = "device:run_extension";
    public const string Upgrade = "device:upgrade";
    public const string UpgradeStatus = "device:upgrade_status";
}

/// <summary>Heartbeat ack errors of newer backends (PROTOCOL-RESPONSES.md section 4).</summary>
public static class KnownHeartbeatErrors
{
    /// <summary>Another connection registered this device after this one: this one is dead for the backend.</summary>
    public const string StaleConnection = "Stale device connection";

    /// <summary>The heartbeat's runtime instance id differs from the one registered on this connection.</summary>
    public const string RuntimeInstanceIdMismatch = "Runtime instance ID mismatch";

    /// <summary>The connection's session is gone on the backend's side.</summary>
    public const string NotAuthenticated = "Not authenticated";
}
