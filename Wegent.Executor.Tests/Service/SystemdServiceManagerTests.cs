using Wegent.Executor.Service;
using Wegent.Executor.Tests.Configuration;

namespace Wegent.Executor.Tests.Service;

public sealed class SystemdServiceManagerTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();
    private readonly FakeCommandRunner _runner = new();
    private readonly StringWriter _output = new();

    public void Dispose() => _temp.Dispose();

    private SystemdServiceManager Manager() => new(_runner, SystemdUserUnit.FilePath(_temp.Path, null));

    private ServiceDefinition Definition() => new(["/bin/wegent-executor"], _temp.Combine(".wegent-executor"), "/usr/bin", TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Install_writes_the_unit_reloads_enables_and_restarts_it()
    {
        var exitCode = await Manager().InstallAsync(Definition(), _output, CancellationToken.None);

        Assert.Equal(0, exitCode);
        Assert.Equal(SystemdUserUnit.Render(Definition()), await File.ReadAllTextAsync(Manager().DefinitionPath));
        Assert.Equal(
            ["systemctl --user daemon-reload", "systemctl --user enable wegent-executor.service", "systemctl --user restart wegent-executor.service"],
            _runner.Commands);
        Assert.Contains("loginctl enable-linger", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_without_systemctl_fails_naming_it()
    {
        _runner.Answer("systemctl --user daemon-reload", null);

        var exitCode = await Manager().InstallAsync(Definition(), _output, CancellationToken.None);

        Assert.Equal(1, exitCode);
        Assert.Contains("systemctl not found", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_reports_not_installed_then_the_state_systemd_gives()
    {
        Assert.Equal(1, await Manager().StatusAsync(_output, CancellationToken.None));
        Assert.Contains("Not installed", _output.ToString(), StringComparison.Ordinal);

        await Manager().InstallAsync(Definition(), TextWriter.Null, CancellationToken.None);
        _runner.Answer("systemctl --user is-active wegent-executor.service", new CommandResult(0, "active"));
        Assert.Equal(0, await Manager().StatusAsync(_output, CancellationToken.None));
        Assert.Contains("State: active", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uninstall_disables_and_removes_the_unit()
    {
        await Manager().InstallAsync(Definition(), TextWriter.Null, CancellationToken.None);
        _runner.Commands.Clear();

        var exitCode = await Manager().UninstallAsync(_output, CancellationToken.None);

        Assert.Equal(0, exitCode);
        Assert.False(File.Exists(Manager().DefinitionPath));
        Assert.Equal(["systemctl --user disable --now wegent-executor.service", "systemctl --user daemon-reload"], _runner.Commands);
    }
}
