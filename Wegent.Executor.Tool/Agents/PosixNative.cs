using System.Runtime.InteropServices;

namespace Wegent.Executor.Agents;

/// <summary>The two libc calls .NET does not offer: sending an arbitrary signal and reading the effective user id.</summary>
internal static partial class PosixNative
{
    public const int SignalInterrupt = 2;
    public const int SignalKill = 9;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="processId"/>; false when the process is gone or not ours.</summary>
    public static bool SendSignal(int processId, int signal) => Kill(processId, signal) == 0;

    public static bool IsRoot => !OperatingSystem.IsWindows() && GetEffectiveUserId() == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
