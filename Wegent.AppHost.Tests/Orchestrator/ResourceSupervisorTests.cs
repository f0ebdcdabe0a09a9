using Wegent.AppHost.Model;
using Wegent.AppHost.Orchestrator;
using Wegent.AppHost.Tests.Infrastructure;

namespace Wegent.AppHost.Tests.Orchestrator;

public sealed class ResourceSupervisorTests
{
    private static readonly RestartPolicy FastRestart = new(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(80));

    [Fact]
    public async Task A_crashing_resource_is_restarted_with_its_exit_code_shown()
    {
        var builder = DistributedApplication.CreateBuilder();
        builder.AddExecutable("crasher", "/bin/sh", Path.GetTempPath(), "-c", "echo started; exit 3").WithRestartPolicy(FastRestart);
        await using var app = builder.Build();
        await app.StartAsync();

        var crasher = app.GetResource("crasher");
        var snapshot = await crasher.WaitForAsync(s => s.Restarts >= 2 && s.State == ResourceState.Exited, TestTimeouts.Token());

        Assert.Equal(3, snapshot.ExitCode);
        Assert.Contains(crasher.Log.Snapshot(), line => line.Text == "started");
        Assert.Contains(crasher.Log.Snapshot(), line => line.Text.Contains("restarting", StringComparison.Ordinal) && line.Level == LogLevelName.Error);
    }

    [Fact]
    public void Restart_delay_doubles_up_to_the_maximum()
    {
        var policy = new RestartPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        Assert.Equal([1, 2, 4, 8, 16, 30, 30], Enumerable.Range(0, 7).Select(n => policy.DelayBefore(n).TotalSeconds));
    }

    [Fact]
    public async Task A_resource_waits_for_its_dependency_to_be_healthy()
    {
        var builder = DistributedApplication.CreateBuilder();
        var web = builder.AddExecutable("web", "/usr/bin/python3", Path.GetTempPath(), "-m", "http.server", "--bind", "127.0.0.1").WithHttpEndpoint();
        web.WithArgs(web.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)).WithHttpHealthCheck("/");
        builder.AddExecutable("client", "/bin/sh", Path.GetTempPath(), "-c", "echo up; exec sleep 60").WaitFor(web);
        await using var app = builder.Build();
        var client = app.GetResource("client");
        var clientStartedBeforeWebHealthy = false;
        _ = client.WaitForAsync(s => s.State == ResourceState.Starting, TestTimeouts.Token())
            .ContinueWith(_ => clientStartedBeforeWebHealthy = app.GetResource("web").Snapshot.State != ResourceState.Healthy, TaskScheduler.Default);

        await app.StartAsync();
        await app.WaitForAllUpAsync(TestTimeouts.Token());

        Assert.False(clientStartedBeforeWebHealthy);
        Assert.Equal(ResourceState.Healthy, app.GetResource("web").Snapshot.State);
    }

    [Fact]
    public async Task Stopping_kills_the_whole_process_tree()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { StopGrace = TimeSpan.FromSeconds(2) });
        // The shell ignores SIGTERM, so only the tree kill after the grace period ends it and its background child.
        builder.AddExecutable("tree", "/bin/sh", Path.GetTempPath(), "-c", "trap '' TERM; sleep 300 & echo child $!; wait");
        await using var app = builder.Build();
        await app.StartAsync();
        var tree = app.GetResource("tree");
        await tree.WaitForAsync(s => s.IsUp, TestTimeouts.Token());
        var childLine = await WaitForLineAsync(tree, "child ");
        var child = int.Parse(childLine["child ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Directory.Exists($"/proc/{child}"));

        tree.Stop();
        await tree.WaitForAsync(s => s.State == ResourceState.Stopped, TestTimeouts.Token());

        Assert.False(IsRunning(child), $"the background child {child} survived the stop");
    }

    [Fact]
    public async Task A_stopped_resource_starts_again_on_request()
    {
        var builder = DistributedApplication.CreateBuilder();
        builder.AddExecutable("sleeper", "/bin/sleep", Path.GetTempPath(), "60");
        await using var app = builder.Build();
        await app.StartAsync();
        var sleeper = app.GetResource("sleeper");
        var first = await sleeper.WaitForAsync(s => s.IsUp, TestTimeouts.Token());

        sleeper.Stop();
        await sleeper.WaitForAsync(s => s.State == ResourceState.Stopped, TestTimeouts.Token());
        sleeper.Start();
        var second = await sleeper.WaitForAsync(s => s.IsUp, TestTimeouts.Token());

        Assert.NotEqual(first.ProcessId, second.ProcessId);
        Assert.False(IsRunning(first.ProcessId!.Value));
    }

    [Fact]
    public async Task A_killed_resource_with_restart_never_stays_exited_until_started()
    {
        var builder = DistributedApplication.CreateBuilder();
        builder.AddExecutable("victim", "/bin/sleep", Path.GetTempPath(), "60").WithRestartPolicy(RestartPolicy.Never);
        await using var app = builder.Build();
        await app.StartAsync();
        var victim = app.GetResource("victim");
        var first = await victim.WaitForAsync(s => s.IsUp, TestTimeouts.Token());

        Assert.True(victim.Signal(ProcessSignal.Kill));
        var killed = await victim.WaitForAsync(s => s.State == ResourceState.Exited, TestTimeouts.Token());
        // Without a backoff to wait out, a restart would come within milliseconds.
        await Assert.ThrowsAsync<TimeoutException>(() => victim.WaitForAsync(s => s.State != ResourceState.Exited, CancellationToken.None).WaitAsync(TimeSpan.FromMilliseconds(500)));
        Assert.False(victim.Signal(ProcessSignal.Kill));
        victim.Start();
        var second = await victim.WaitForAsync(s => s.IsUp, TestTimeouts.Token());

        Assert.Equal(137, killed.ExitCode);
        Assert.Equal(0, victim.Snapshot.Restarts);
        Assert.NotEqual(first.ProcessId, second.ProcessId);
    }

    [Fact]
    public async Task Stop_and_continue_signals_freeze_and_thaw_the_running_process()
    {
        var builder = DistributedApplication.CreateBuilder();
        builder.AddExecutable("sleeper", "/bin/sleep", Path.GetTempPath(), "60");
        await using var app = builder.Build();
        await app.StartAsync();
        var sleeper = app.GetResource("sleeper");
        var pid = (await sleeper.WaitForAsync(s => s.IsUp, TestTimeouts.Token())).ProcessId!.Value;

        Assert.True(sleeper.Signal(ProcessSignal.Stop));
        await WaitForProcessStateAsync(pid, 'T');
        Assert.True(sleeper.Signal(ProcessSignal.Continue));
        await WaitForProcessStateAsync(pid, 'S');

        Assert.True(sleeper.Snapshot.IsUp);
    }

    private static async Task WaitForProcessStateAsync(int pid, char state)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (StateOf(pid) != state)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static char StateOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }

    private static async Task<string> WaitForLineAsync(ResourceSupervisor resource, string prefix)
    {
        await foreach (var line in resource.Log.FollowAsync(TestTimeouts.Token()))
        {
            if (line.Text.StartsWith(prefix, StringComparison.Ordinal)) return line.Text;
        }

        throw new InvalidOperationException("log ended");
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
