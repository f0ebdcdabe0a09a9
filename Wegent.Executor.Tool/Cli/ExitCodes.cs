namespace Wegent.Executor.Cli;

/// <summary>The process exit codes of wegent-executor.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadConfiguration = 2;
    public const int RefusedByBackend = 3;
}
