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
            // Issue 12 item 9: home, workspace and task folders were 755 (the default umask).
            foreach (var directory in (string[])[options.Home, options.WorkspaceRoot, options.SkillsCacheDirectory, options.OutboxDirectory, options.RunJournalDirectory])
            {
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(directory));
            }
        }
    }

    [TestSupport.UnixFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void An_existing_home_open_to_others_is_made_private_with_a_warning_and_a_chosen_workspace_root_keeps_its_mode()
    {
        var shared = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        var options = new ExecutorOptions
        {
            BackendUrl = new Uri("http://localhost"),
            AuthToken = "t",
            Home = _temp.Combine("home"),
            WorkspaceRoot = _temp.Combine("shared-workspace"),
            LogDirectory = _temp.Combine("home", "logs"),
        };
        Directory.CreateDirectory(options.Home, shared);
        Directory.CreateDirectory(options.WorkspaceRoot, shared);

        var warning = ExecutorDirectories.Create(options);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(options.Home));
        Assert.Equal(shared, File.GetUnixFileMode(options.WorkspaceRoot));
        Assert.StartsWith($"{options.Home} was open to group or others (mode 755); made it 700", warning, StringComparison.Ordinal);
        Assert.Null(ExecutorDirectories.Create(options));
    }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
}
