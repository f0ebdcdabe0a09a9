using Wegent.Executor.Tests.Agents;
using Wegent.Executor.Tests.Configuration;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tests.Workspace;

public sealed class WorkspaceLayoutTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();
    private readonly WorkspaceLayout _layout;
    private readonly string _outside;

    public WorkspaceLayoutTests()
    {
        _layout = new WorkspaceLayout(_temp.Combine("workspace"));
        _outside = _temp.Combine("outside");
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "victim.txt"), "precious");
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>Issue 12 item 3: links an agent (or an older version's checkout) left among the executor's own folders are
    /// removed before the executor writes there again; their targets are left as they are.</summary>
    [LinuxFact]
    public void Preparing_a_task_folder_removes_the_links_planted_in_the_executors_own_entries()
    {
        var task = _layout.TaskDirectory(7);
        Directory.CreateDirectory(Path.Combine(task, ".claude", "skills"));
        Directory.CreateSymbolicLink(Path.Combine(task, ".claude", "skills", "review"), _outside);
        File.CreateSymbolicLink(Path.Combine(task, ".claude", "settings.json"), Path.Combine(_outside, "victim.txt"));
        Directory.CreateSymbolicLink(Path.Combine(task, "attachments"), _outside);
        File.CreateSymbolicLink(Path.Combine(task, ".claude_session_id"), Path.Combine(_outside, "victim.txt"));
        Directory.CreateSymbolicLink(Path.Combine(task, "user-made-link"), _outside);

        Assert.Equal(task, _layout.PrepareTaskDirectory(7));
        _layout.SaveSessionId(7, "session-1");

        Assert.Equal([".claude", ".claude_session_id", "user-made-link"], Directory.EnumerateFileSystemEntries(task).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Path.Combine(task, ".claude"), "*", SearchOption.AllDirectories), WorkspaceLayout.IsLink);
        Assert.Equal("session-1", File.ReadAllText(Path.Combine(task, ".claude_session_id")));
        Assert.Equal("precious", File.ReadAllText(Path.Combine(_outside, "victim.txt")));
    }

    [LinuxFact]
    public void A_task_folder_replaced_by_a_link_is_made_a_folder_again()
    {
        Directory.CreateDirectory(_layout.Root);
        Directory.CreateSymbolicLink(_layout.TaskDirectory(7), _outside);

        _layout.PrepareTaskDirectory(7);
        _layout.SaveSessionId(7, "session-1");

        Assert.False(WorkspaceLayout.IsLink(_layout.TaskDirectory(7)));
        Assert.Equal(["victim.txt"], Directory.EnumerateFileSystemEntries(_outside).Select(Path.GetFileName));
        // Issue 12 item 9: a new task folder is the owner's alone.
        if (!OperatingSystem.IsWindows()) Assert.Equal(OwnerOnly, File.GetUnixFileMode(_layout.TaskDirectory(7)));
    }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
}
