namespace Wegent.AppHost.Model;

/// <summary>The POSIX signals (Linux numbers) that can be sent to a running resource.</summary>
public enum ProcessSignal
{
    Interrupt = 2,
    Kill = 9,
    Terminate = 15,
    Continue = 18,
    Stop = 19,
}
