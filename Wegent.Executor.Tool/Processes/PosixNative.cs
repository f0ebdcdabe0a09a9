using System.Runtime.InteropServices;

namespace Wegent.Executor.Processes;

/// <summary>The two libc calls .NET does not offer: sending an arbitrary signal and reading the effective user id.</summary>
public static partial class PosixNative
{
    /// <summary>Sends <paramref name="signal"/> to <paramref name="processId"/>; false when the process is gone or not ours.</summary>
    public static bool SendSignal(int processId, UnixSignal signal) => Kill(processId, (int)signal) == 0;

    public static bool IsRoot => !OperatingSystem.IsWindows() && GetEffectiveUserId() == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
