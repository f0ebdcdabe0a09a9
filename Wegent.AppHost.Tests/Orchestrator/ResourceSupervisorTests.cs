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
