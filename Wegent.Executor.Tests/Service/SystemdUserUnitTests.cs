using Wegent.Executor.Service;

namespace Wegent.Executor.Tests.Service;

public class SystemdUserUnitTests
{
    private static readonly ServiceDefinition Definition = new(
        ["/home/ann/.wegent-executor/bin/wegent-executor"],
        "/home/ann/.wegent-executor",
        "/home/ann/.local/bin:/usr/bin",
        TimeSpan.FromSeconds(10));

    private static string[] Lines(ServiceDefinition definition) => SystemdUserUnit.Render(definition).Split('\n', StringSplitOptions.TrimEntries);

    [Fact]
    public void Restarts_on_failure_but_not_after_bad_configuration_or_refusal()
    {
        var lines = Lines(Definition);

        Assert.Contains("Restart=on-failure", lines);
        Assert.Contains("RestartSec=5", lines);
        Assert.Contains("RestartPreventExitStatus=2 3", lines);
    }

    [Fact]
    public void Keeps_the_install_time_PATH_and_leaves_config_env_to_the_executor()
    {
        var lines = Lines(Definition);

        // Issue 12 item 1: EnvironmentFile= put config.env's token into the executor's environment and its children's.
        Assert.DoesNotContain(lines, line => line.StartsWith("EnvironmentFile", StringComparison.Ordinal));
        Assert.Contains("Environment=\"PATH=/home/ann/.local/bin:/usr/bin\"", lines);
        Assert.Contains("Environment=\"WEGENT_EXECUTOR_HOME=/home/ann/.wegent-executor\"", lines);
        Assert.Contains("ExecStart=\"/home/ann/.wegent-executor/bin/wegent-executor\"", lines);
    }

    [Fact]
    public void Stops_with_SIGTERM_to_the_executor_alone_and_waits_longer_than_its_graceful_timeout()
    {
        var lines = Lines(Definition with { GracefulShutdownTimeout = TimeSpan.FromSeconds(25) });

        Assert.Contains("KillSignal=SIGTERM", lines);
        Assert.Contains("KillMode=mixed", lines);
        var timeout = int.Parse(lines.Single(l => l.StartsWith("TimeoutStopSec=", StringComparison.Ordinal))["TimeoutStopSec=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(timeout > 25, $"TimeoutStopSec={timeout}");
    }

    [Fact]
    public void Specifiers_and_dollars_are_escaped()
    {
        var lines = Lines(Definition with { Home = "/srv/wegent 100%", Command = ["/opt/we gent/wegent-executor", "--x=$HOME"] });

        Assert.Contains("Environment=\"WEGENT_EXECUTOR_HOME=/srv/wegent 100%%\"", lines);
        Assert.Contains("ExecStart=\"/opt/we gent/wegent-executor\" \"--x=$$HOME\"", lines);
    }

    [Fact]
    public void Goes_to_the_user_unit_directory_or_XDG_CONFIG_HOME()
    {
        Assert.Equal(Path.Combine("/home/ann", ".config", "systemd", "user", "wegent-executor.service"), SystemdUserUnit.FilePath("/home/ann", null));
        Assert.Equal(Path.Combine("/cfg", "systemd", "user", "wegent-executor.service"), SystemdUserUnit.FilePath("/home/ann", "/cfg"));
    }
}
