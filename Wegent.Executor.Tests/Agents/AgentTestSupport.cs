using System.Collections.Concurrent;
using System.Globalization;
using Wegent.Executor.Agents;

using Wegent.Executor.Processes;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Agents;

/// <summary>A test that starts processes and reads /proc: Linux only.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Needs Linux (/proc, bash, POSIX signals)";
        }
    }
}

/// <summary>Collects the events in arrival order and lets a test wait for one.</summary>
internal sealed class RecordingObserver : IAgentObserver
{
    private readonly ConcurrentQueue<AgentEvent> _events = new();

    public IReadOnlyList<AgentEvent> Events => [.. _events];

    public string Text => string.Concat(_events.OfType<AgentTextDelta>().Select(e => e.Text));

    public void OnEvent(AgentEvent agentEvent) => _events.Enqueue(agentEvent);

    public Task<T> WaitForAsync<T>(Func<T, bool> predicate)
        where T : AgentEvent =>
        Wait.ForValueAsync(() => _events.OfType<T>().FirstOrDefault(predicate), $"an agent event {typeof(T).Name}");
}

internal static class ProcessProbe
{
    /// <summary>Gone, or a zombie nobody reaped yet (PID 1 in a container may not reap): it runs no more code.</summary>
    public static bool IsGone(int pid)
    {
        var stat = ProcStat.Read("/proc", pid);
        return stat is null || stat.IsZombie;
    }

    public static Task WaitUntilGoneAsync(int pid) => Wait.UntilAsync(() => IsGone(pid), $"process {pid} to end");

    public static int ParsePid(string text) => int.Parse(text.Trim(), CultureInfo.InvariantCulture);
}
