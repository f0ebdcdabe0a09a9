using System.Runtime.InteropServices;

namespace Wegent.AppHost.Processes;

internal static partial class PosixSignals
{
    public const int Terminate = 15;
    public const int Kill = 9;

    public static void Send(int pid, int signal)
    {
        if (!OperatingSystem.IsWindows()) _ = NativeKill(pid, signal);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);
}
