using Microsoft.Extensions.Time.Testing;
using Wegent.Executor.Tests.TestSupport;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tests.Workspace;

public sealed class WorkspaceRetentionTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("retention-");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _root.Delete(recursive: true);

    private string TaskFolder(string name, int daysAgo)
    {
        var directory = _root.CreateSubdirectory(name);
        var settings = Path.Combine(directory.FullName, "settings.json");
        File.WriteAllText(settings, "{}");
        var when = _time.GetUtcNow().UtcDateTime - TimeSpan.FromDays(daysAgo);
        File.SetLastWriteTimeUtc(settings, when);
        Directory.SetLastWriteTimeUtc(directory.FullName, when);
        return directory.FullName;
    }

    private WorkspaceRetention Create(int days) => new(new WorkspaceLayout(_root.FullName), days, _time, new TestLog().Logger);

    [Fact]
    public void Removes_only_old_task_folders_that_are_not_running()
    {
        var old = TaskFolder("11", daysAgo: 20);
        var recent = TaskFolder("12", daysAgo: 3);
        var running = TaskFolder("13", daysAgo: 30);
        var notATask = TaskFolder("my-notes", daysAgo: 300);

        var removed = Create(days: 14).Sweep([13]);

        Assert.Equal([11L], removed);
        Assert.False(Directory.Exists(old));
        Assert.True(Directory.Exists(recent));
        Assert.True(Directory.Exists(running));
        Assert.True(Directory.Exists(notATask));
    }

    [Fact]
    public void A_recent_write_inside_keeps_an_old_folder()
    {
        var folder = TaskFolder("21", daysAgo: 40);
        File.WriteAllText(Path.Combine(folder, ".claude_session_id"), "s");

        Assert.Empty(Create(days: 14).Sweep([]));
        Assert.True(Directory.Exists(folder));
    }

    [Fact]
    public void Zero_days_keeps_everything()
    {
        TaskFolder("31", daysAgo: 400);

        Assert.Empty(Create(days: 0).Sweep([]));
    }
}
