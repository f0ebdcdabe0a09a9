using Wegent.Executor.Configuration;

namespace Wegent.Executor.Tests.Configuration;

public sealed class ExecutorDirectoriesTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Creates_home_workspace_skills_cache_and_a_private_outbox_and_run_journal()
    {
        var options = new ExecutorOptions
        {
            BackendUrl = new Uri("http://localhost"),
            AuthToken = "t",
            Home = _temp.Combine("home"),
            WorkspaceRoot = _temp.Combine("elsewhere", "workspace"),
            LogDirectory = _temp.Combine("home", "logs"),
        };

        ExecutorDirectories.Create(options);

        Assert.True(Directory.Exists(options.WorkspaceRoot));
        Assert.True(Directory.Exists(_temp.Combine("home", "cache", "skills")));
        Assert.True(Directory.Exists(options.OutboxDirectory));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(options.OutboxDirectory));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(options.RunJournalDirectory));
        }
    }
}
