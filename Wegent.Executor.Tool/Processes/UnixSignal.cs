namespace Wegent.Executor.Processes;

/// <summary>Signal numbers for <see cref="PosixNative.SendSignal"/>. Interrupt, Kill and Terminate are the same on every
/// Unix; Stop and Continue are Linux's numbers (macOS swaps them), used by tests that freeze a process.</summary>
public enum UnixSignal
{
    Interrupt = 2,
    Kill = 9,
    Terminate = 15,
    Continue = 18,
    Stop = 19,
}
