using System.Globalization;
using System.Text;

namespace Wegent.Executor.Configuration;

/// <summary>
/// An exclusive lock on <c>&lt;home&gt;/executor.lock</c> held for the process lifetime, so two executors never share one
/// identity. On Unix .NET takes it with flock(LOCK_EX|LOCK_NB); it is released by the OS even when the process dies.
/// The holder's pid goes into the lock file (for people) and into <c>executor.pid</c> (the lock file itself cannot be
/// read by another .NET process while it is held).
/// </summary>
public sealed class HomeLock : IDisposable
{
    public const string LockFileName = "executor.lock";
    public const string PidFileName = "executor.pid";

    private readonly FileStream _stream;
    private readonly string _pidFile;

    private HomeLock(FileStream stream, string pidFile)
    {
        _stream = stream;
        _pidFile = pidFile;
    }

    /// <exception cref="HomeLockedException">Another process holds the lock; the message names the home and its pid.</exception>
    public static HomeLock Acquire(string home)
    {
        ExecutorDirectories.CreatePrivate(home);
        var lockFile = Path.Combine(home, LockFileName);
        var pidFile = Path.Combine(home, PidFileName);
        FileStream stream;
        try
        {
            stream = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
        {
            // The HResult of a held lock differs by OS (sharing violation on Windows, errno EWOULDBLOCK on Unix).
            throw new HomeLockedException(home, ReadHolderPid(pidFile));
        }

        var pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        stream.SetLength(0);
        stream.Write(pid);
        stream.Flush();
        File.WriteAllBytes(pidFile, pid);
        return new HomeLock(stream, pidFile);
    }

    public void Dispose()
    {
        // The pid file goes first: while the lock is still held no newcomer can have written its own.
        try
        {
            File.Delete(_pidFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A stale pid file only makes a later message less precise.
        }

        _stream.Dispose();
    }

    private static int? ReadHolderPid(string pidFile)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>Another executor already runs with this home.</summary>
public sealed class HomeLockedException : Exception
{
    public HomeLockedException(string home, int? holderPid)
        : base($"Another wegent-executor is already running with home {home}"
            + (holderPid is { } pid ? $" (pid {pid})" : "")
            + $"; stop it or give this one another {KnownSettings.Home.EnvironmentVariable}")
    {
        Home = home;
        HolderPid = holderPid;
    }

    public HomeLockedException()
    {
        Home = "";
    }

    public HomeLockedException(string message)
        : base(message)
    {
        Home = "";
    }

    public HomeLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Home = "";
    }

    public string Home { get; }
    public int? HolderPid { get; }
}
