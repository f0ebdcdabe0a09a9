using Serilog;
using Wegent.Executor.Agents;

namespace Wegent.Executor.Workspace;

/// <summary>Keeps a task's workbench in step with its checkout: a refresh is requested after every tool result and
/// runs off the agent's path, at most once per <see cref="MinimumInterval"/>; a last refresh runs at the end.</summary>
public sealed class GitWorkbenchMonitor : IAsyncDisposable
{
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan FinalRefreshTimeout = TimeSpan.FromSeconds(10);

    private readonly GitWorkbenchReader _reader;
    private readonly string _checkout;
    private readonly string? _baseCommit;
    private readonly string _sourceBranch;
    private readonly Action<GitWorkbench> _changed;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _timer;
    private bool _scheduled;
    private Task _running = Task.CompletedTask;
    private long? _lastStarted;

    private GitWorkbenchMonitor(GitWorkbenchReader reader, string checkout, string? baseCommit, string sourceBranch,
        Action<GitWorkbench> changed, TimeProvider time, ILogger logger)
    {
        _reader = reader;
        _checkout = checkout;
        _baseCommit = baseCommit;
        _sourceBranch = sourceBranch;
        _changed = changed;
        _time = time;
        _logger = logger;
    }

    /// <summary>Starts watching the workspace's checkout; null when the task has none.</summary>
    public static async Task<GitWorkbenchMonitor?> StartAsync(PreparedWorkspace workspace, string? branchName, GitCommand git,
        Action<GitWorkbench> changed, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        if (workspace.RepositoryDirectory is not { } checkout) return null;
        var baseCommit = await BaseCommitAsync(workspace, git, cancellationToken).ConfigureAwait(false);
        var monitor = new GitWorkbenchMonitor(new GitWorkbenchReader(git), checkout, baseCommit, branchName ?? "", changed, time, logger);
        monitor.RequestRefresh();
        return monitor;
    }

    /// <summary>Passes events on to <paramref name="inner"/> and asks for a refresh after each tool result.</summary>
    public IAgentObserver Observe(IAgentObserver inner) => new RefreshingObserver(inner, this);

    public void RequestRefresh()
    {
        lock (_gate)
        {
            if (_scheduled || _stop.IsCancellationRequested) return;
            _scheduled = true;
            var since = _lastStarted is { } last ? _time.GetElapsedTime(last) : MinimumInterval;
            if (since >= MinimumInterval) StartRefresh();
            else _timer = _time.CreateTimer(_ => StartRefresh(), null, MinimumInterval - since, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Stops the periodic refreshes and reads the checkout one last time, for the final result. Bounded in time
    /// as a whole, whatever the checkout holds, so the final report always goes out.</summary>
    public async Task FinishAsync()
    {
        Task running;
        lock (_gate)
        {
            _stop.Cancel();
            _timer?.Dispose();
            _timer = null;
            running = _running;
        }

        using var timeout = new CancellationTokenSource(FinalRefreshTimeout, _time);
        var final = Task.Run(async () =>
        {
            await running.ConfigureAwait(false);
            await RefreshAsync(timeout.Token).ConfigureAwait(false);
        }, CancellationToken.None);
        try
        {
            await final.WaitAsync(FinalRefreshTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.Warning("Reading the changes in {Directory} took longer than {Seconds:0} s; the final result goes without the newest ones",
                _checkout, FinalRefreshTimeout.TotalSeconds);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task running;
        lock (_gate)
        {
            _stop.Cancel();
            _timer?.Dispose();
            _timer = null;
            running = _running;
        }

        // A refresh stuck beyond FinishAsync's bound is left to end on its own (its git commands have a timeout).
        if (running.IsCompleted) _stop.Dispose();
    }

    private void StartRefresh()
    {
        lock (_gate)
        {
            _scheduled = false;
            _timer?.Dispose();
            _timer = null;
            if (_stop.IsCancellationRequested) return;
            _lastStarted = _time.GetTimestamp();
            var previous = _running;
            _running = Task.Run(async () =>
            {
                await previous.ConfigureAwait(false);
                await RefreshAsync(_stop.Token).ConfigureAwait(false);
            });
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await _reader.ReadAsync(_checkout, _baseCommit, _sourceBranch, cancellationToken).ConfigureAwait(false) is { } workbench)
            {
                _changed(workbench);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is WorkspaceException or IOException or InvalidOperationException)
        {
            _logger.Debug("Could not read the changes in {Directory}: {Error}", _checkout, ex.Message);
        }
    }

    private static async Task<string?> BaseCommitAsync(PreparedWorkspace workspace, GitCommand git, CancellationToken cancellationToken)
    {
        var file = Path.Combine(workspace.TaskDirectory, RepositoryCheckout.BaseCommitFileName);
        if (File.Exists(file) && (await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false)).Trim() is { Length: > 0 } saved)
        {
            return saved;
        }

        var head = await git.RunAsync(["rev-parse", "--verify", "-q", "HEAD"], workspace.RepositoryDirectory!, TimeSpan.FromSeconds(30), cancellationToken)
            .ConfigureAwait(false);
        return head.Succeeded ? head.Output.Trim() : null;
    }

    private sealed class RefreshingObserver(IAgentObserver inner, GitWorkbenchMonitor monitor) : IAgentObserver
    {
        public void OnEvent(AgentEvent agentEvent)
        {
            inner.OnEvent(agentEvent);
            if (agentEvent is AgentToolResult) monitor.RequestRefresh();
        }
    }
}
