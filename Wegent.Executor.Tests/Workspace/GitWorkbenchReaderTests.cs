using System.Text.Json.Nodes;
using Wegent.Executor.Tests.Configuration;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tests.Workspace;

/// <summary>File changes and commits read from real repositories.</summary>
public sealed class GitWorkbenchReaderTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();
    private readonly string _repo;
    private readonly string _base;

    public GitWorkbenchReaderTests()
    {
        _repo = TestGit.CreateWorkingRepository(_temp.Combine("repo"));
        File.WriteAllText(Path.Combine(_repo, "old-name.txt"), string.Join('\n', Enumerable.Range(1, 20)) + "\n");
        File.WriteAllText(Path.Combine(_repo, "doomed.txt"), "a\nb\nc\n");
        TestGit.Run(_repo, "add", ".");
        TestGit.Run(_repo, "commit", "-q", "-m", "More files");
        _base = TestGit.Run(_repo, "rev-parse", "HEAD").Trim();
    }

    public void Dispose() => _temp.Dispose();

    private Task<GitWorkbench?> ReadAsync() =>
        new GitWorkbenchReader(new GitCommand()).ReadAsync(_repo, _base, "main", CancellationToken.None);

    private static JsonObject Change(GitWorkbench workbench, string newPath) =>
        workbench.FileChanges.Single(c => c["new_path"]!.GetValue<string>() == newPath);

    /// <summary>Issue 12 item 5: an untracked link to a FIFO left the task RUNNING forever (cancel had no effect, the next
    /// task never started), one to /dev/zero grew the executor to 4.3 GB: only regular files are read.</summary>
    [Agents.LinuxFact]
    public async Task A_link_to_a_fifo_or_a_device_and_a_fifo_itself_are_listed_without_being_read()
    {
        var fifo = _temp.Combine("outside-fifo");
        TestGit.RunTool("mkfifo", fifo);
        TestGit.RunTool("mkfifo", Path.Combine(_repo, "own-fifo"));
        File.CreateSymbolicLink(Path.Combine(_repo, "fifo-link"), fifo);
        File.CreateSymbolicLink(Path.Combine(_repo, "zero-link"), "/dev/zero");
        File.WriteAllText(Path.Combine(_repo, "plain.txt"), "one\ntwo\n");

        var workbench = (await ReadAsync().WaitAsync(TimeSpan.FromSeconds(30)))!;

        Assert.Equal(0, Change(workbench, "fifo-link")["added_lines"]!.GetValue<int>());
        Assert.Equal(0, Change(workbench, "zero-link")["added_lines"]!.GetValue<int>());
        Assert.Equal(2, Change(workbench, "plain.txt")["added_lines"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_clean_checkout_has_no_changes_and_names_its_base()
    {
        var workbench = (await ReadAsync())!;

        Assert.Empty(workbench.FileChanges);
        Assert.Equal(_base, workbench.GitInfo["initial_commit_id"]!.GetValue<string>());
        Assert.Equal("More files", workbench.GitInfo["initial_commit_message"]!.GetValue<string>());
        Assert.Empty(workbench.GitInfo["task_commits"]!.AsArray());
        Assert.Equal("main", workbench.GitInfo["source_branch"]!.GetValue<string>());
    }

    [Fact]
    public async Task Modified_new_deleted_renamed_and_untracked_files_are_reported_with_line_counts()
    {
        File.AppendAllText(Path.Combine(_repo, "README.md"), "added one\nadded two\n");
        File.WriteAllText(Path.Combine(_repo, "hello.py"), "print(\"Hello, World!\")\n");
        File.Delete(Path.Combine(_repo, "doomed.txt"));
        TestGit.Run(_repo, "mv", "old-name.txt", "new-name.txt");
        File.WriteAllText(Path.Combine(_repo, "staged.txt"), "one\ntwo");
        TestGit.Run(_repo, "add", "staged.txt");

        var workbench = (await ReadAsync())!;

        var readme = Change(workbench, "README.md");
        Assert.Equal(2, readme["added_lines"]!.GetValue<int>());
        Assert.Equal(0, readme["removed_lines"]!.GetValue<int>());
        Assert.False(readme["new_file"]!.GetValue<bool>());

        var hello = Change(workbench, "hello.py");
        Assert.True(hello["new_file"]!.GetValue<bool>());
        Assert.Equal(1, hello["added_lines"]!.GetValue<int>());
        Assert.Equal("hello.py", hello["diff_title"]!.GetValue<string>());

        var doomed = Change(workbench, "doomed.txt");
        Assert.True(doomed["deleted_file"]!.GetValue<bool>());
        Assert.Equal(3, doomed["removed_lines"]!.GetValue<int>());

        var renamed = Change(workbench, "new-name.txt");
        Assert.True(renamed["renamed_file"]!.GetValue<bool>());
        Assert.Equal("old-name.txt", renamed["old_path"]!.GetValue<string>());
        Assert.Equal(0, renamed["added_lines"]!.GetValue<int>());

        var staged = Change(workbench, "staged.txt");
        Assert.True(staged["new_file"]!.GetValue<bool>());
        Assert.Equal(2, staged["added_lines"]!.GetValue<int>());
        Assert.Equal(5, workbench.FileChanges.Count);
    }

    [Fact]
    public async Task Commits_made_by_the_task_are_listed_oldest_first_and_their_changes_stay_in_the_file_list()
    {
        TestGit.Run(_repo, "checkout", "-q", "-b", "wegent/fix");
        File.WriteAllText(Path.Combine(_repo, "first.txt"), "1\n");
        TestGit.Run(_repo, "add", ".");
        TestGit.Run(_repo, "commit", "-q", "-m", "First change");
        File.WriteAllText(Path.Combine(_repo, "second.txt"), "1\n2\n");
        TestGit.Run(_repo, "add", ".");
        TestGit.Run(_repo, "commit", "-q", "-m", "Second change\n\nWith a body.");

        var workbench = (await ReadAsync())!;

        var commits = workbench.GitInfo["task_commits"]!.AsArray().Select(c => c!.AsObject()).ToArray();
        Assert.Equal(["First change", "Second change\n\nWith a body."], commits.Select(c => c["message"]!.GetValue<string>()));
        Assert.Equal(2, commits[1]["stats"]!["insertions"]!.GetValue<int>());
        Assert.Equal(1, commits[1]["stats"]!["files_changed"]!.GetValue<int>());
        Assert.Equal("Test", commits[0]["author"]!.GetValue<string>());
        Assert.Equal(commits[0]["commit_id"]!.GetValue<string>()[..8], commits[0]["short_id"]!.GetValue<string>());
        Assert.Equal("wegent/fix", workbench.GitInfo["target_branch"]!.GetValue<string>());
        Assert.Equal(["first.txt", "second.txt"], workbench.FileChanges.Select(c => c["new_path"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Without_a_base_commit_everything_is_new()
    {
        var fresh = await new GitWorkbenchReader(new GitCommand()).ReadAsync(_repo, null, "", CancellationToken.None);

        Assert.Equal(3, fresh!.FileChanges.Count);
        Assert.All(fresh.FileChanges, c => Assert.True(c["new_file"]!.GetValue<bool>()));
        Assert.Equal(2, fresh.GitInfo["task_commits"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_file_list_is_capped()
    {
        var many = Path.Combine(_repo, "many");
        Directory.CreateDirectory(many);
        for (var i = 0; i < GitWorkbenchReader.MaxFileChanges + 20; i++) File.WriteAllText(Path.Combine(many, $"f{i:D4}.txt"), "x\n");

        var workbench = (await ReadAsync())!;

        Assert.Equal(GitWorkbenchReader.MaxFileChanges, workbench.FileChanges.Count);
        Assert.Equal(GitWorkbenchReader.MaxFileChanges + 20, workbench.GitInfo["file_changes_total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_folder_that_is_not_a_checkout_gives_nothing()
    {
        var plain = _temp.Combine("plain");
        Directory.CreateDirectory(plain);

        Assert.Null(await new GitWorkbenchReader(new GitCommand()).ReadAsync(plain, null, "", CancellationToken.None));
    }
}
