namespace Wegent.Executor.Processes;

/// <summary>The process exit codes of wegent-executor: the contract with whoever started it (a shell, systemd, launchd),
/// so it belongs to no one command.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadConfiguration = 2;
    public const int RefusedByBackend = 3;
}
