using System.Diagnostics;
using Wegent.Executor.Configuration;

namespace Wegent.Executor.Tests.Configuration;

public sealed class HomeLockTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Second_acquire_fails_naming_the_home_and_the_holder_pid()
    {
        using var first = HomeLock.Acquire(_temp.Path);

        var error = Assert.Throws<HomeLockedException>(() => HomeLock.Acquire(_temp.Path));

        Assert.Contains(_temp.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains($"pid {Environment.ProcessId}", error.Message, StringComparison.Ordinal);
        Assert.Equal(Environment.ProcessId, error.HolderPid);
    }

    [Fact]
    public void Lock_file_holds_the_pid_and_is_released_on_dispose()
    {
        using (HomeLock.Acquire(_temp.Path))
        {
        }

        Assert.Equal($"{Environment.ProcessId}", File.ReadAllText(Path.Combine(_temp.Path, HomeLock.LockFileName)).Trim());
        Assert.False(File.Exists(Path.Combine(_temp.Path, HomeLock.PidFileName)));
        using var again = HomeLock.Acquire(_temp.Path);
    }

    [Fact]
    public void Another_process_cannot_take_the_lock_while_it_is_held()
    {
        if (OperatingSystem.IsWindows() || !FlockIsInstalled())
        {
            return;
        }

        var lockFile = Path.Combine(_temp.Path, HomeLock.LockFileName);
        using (HomeLock.Acquire(_temp.Path))
        {
            Assert.Equal(1, RunFlockProbe(lockFile));
        }

        Assert.Equal(0, RunFlockProbe(lockFile));
    }

    private static bool FlockIsInstalled() =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, "flock")));

    /// <summary>util-linux flock in non-blocking mode: exit 1 when another process holds the lock, 0 when it got it.</summary>
    private static int RunFlockProbe(string lockFile)
    {
        using var probe = Process.Start(new ProcessStartInfo("flock", ["--nonblock", "--exclusive", lockFile, "true"])
        {
            UseShellExecute = false,
        })!;
        Assert.True(probe.WaitForExit(TimeSpan.FromSeconds(30)));
        return probe.ExitCode;
    }
}
