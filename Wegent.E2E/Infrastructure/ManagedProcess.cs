using System.Diagnostics;
using Wegent.Executor.Processes;

namespace Wegent.E2E.Infrastructure;

/// <summary>A real child process whose output lines are kept and can be waited on: started here, or one run of a
/// resource Aspire started (its lines then come from the resource's console log).</summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    private readonly IProcessHandle _process;
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private IDisposable? _following;

    private ManagedProcess(IProcessHandle process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate) return _lines.ToArray();
        }
    }

    public string Output => string.Join('\n', Lines);

    public static ManagedProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var managed = new ManagedProcess(new ChildProcessHandle(process), name);
        process.OutputDataReceived += (_, e) => managed.Add(e.Data);
        process.ErrorDataReceived += (_, e) => managed.Add(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    /// <summary>One run of an Aspire resource: its process, and the console lines after the first <paramref name="skip"/>
    /// (those of earlier runs are not this process's).</summary>
    internal static ManagedProcess Attach(IProcessHandle run, string name, ResourceLog log, int skip)
    {
        var managed = new ManagedProcess(run, name);
        managed._following = log.Subscribe(skip, managed.Add);
        return managed;
    }

    public Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan? timeout = null)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var existing = _lines.FirstOrDefault(match);
            if (existing is not null) return Task.FromResult(existing);
            _waiters.Add((match, found));
        }

        return WithTimeout(found.Task, what, timeout);
    }

    public Task<string> WaitForLineAsync(string contains, TimeSpan? timeout = null) =>
        WaitForLineAsync(line => line.Contains(contains, StringComparison.Ordinal), $"'{contains}' in {Name}'s output", timeout);

    public Task<int> WaitForExitAsync(TimeSpan? timeout = null) => WithTimeout(_process.WaitForExitAsync(), $"{Name} to exit", timeout);

    public void Signal(UnixSignal signal)
    {
        if (!_process.HasExited) _ = PosixNative.SendSignal(_process.Id, signal);
    }

    public void Kill() => _process.KillTree();

    public async ValueTask DisposeAsync()
    {
        Kill();
        await ((Task)_process.WaitForExitAsync()).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _following?.Dispose();
        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToArray())
            {
                _waiters.Remove(waiter);
                waiter.Found.TrySetResult(line);
            }
        }
    }

    private async Task<T> WithTimeout<T>(Task<T> task, string what, TimeSpan? timeout)
    {
        try
        {
            return await task.WaitAsync(timeout ?? Wait.DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out waiting for {what}. Output of {Name}:\n{Tail()}");
        }
    }

    private string Tail() => string.Join('\n', Lines.TakeLast(60));
}
