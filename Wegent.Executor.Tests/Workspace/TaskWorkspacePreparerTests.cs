using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Wegent.Executor.Agents;
using Wegent.Executor.Tests.Configuration;
using Wegent.Executor.Tests.TestSupport;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tests.Workspace;

public sealed class TaskWorkspacePreparerTests : IAsyncLifetime
{
    private const string Token = "plain-git-token-42";

    private readonly TemporaryDirectory _temp = new();
    private readonly TestLog _log = new();
    private readonly FakeBackendHttp _backend = new();
    private BackendDownloads _downloads = null!;
    private GitHttpServer _git = null!;

    private string Root => _temp.Combine("workspace");

    public Task InitializeAsync()
    {
        _downloads = new BackendDownloads(_backend.Url);
        var served = _temp.Combine("served");
        Directory.CreateDirectory(served);
        TestGit.CreateBareRepository(served, "hello");
        _git = new GitHttpServer(served, "octo", Token);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _downloads.Dispose();
        await _git.DisposeAsync();
        await _backend.DisposeAsync();
        _temp.Dispose();
    }

    private TaskWorkspacePreparer Preparer(Func<string?, string?>? decrypt = null) => new(
        new WorkspaceLayout(Root),
        new WorkspaceOptions { SkillsCacheDirectory = _temp.Combine("cache"), DecryptSecret = decrypt ?? (s => s) },
        _downloads,
        new GitCommand(),
        _log.Logger);

    private JsonObject User(string token) => new() { ["name"] = "octo", ["git_login"] = "octo", ["git_email"] = "octo@example.com", ["git_token"] = token };

    [Fact]
    public async Task A_task_with_a_repository_and_an_attachment_works_in_the_checkout_with_the_prompt_rewritten()
    {
        _backend.Answer("/api/attachments/3/executor-download", "spec");
        var request = TestTasks.Request(new JsonObject
        {
            ["git_url"] = _git.UrlOf("hello.git"),
            ["user"] = User("encrypted:" + Token),
            ["prompt"] = "Implement [attachment:3]",
            ["attachments"] = new JsonArray(new JsonObject { ["id"] = 3, ["original_filename"] = "spec.md" }),
        });

        var prepared = await Preparer(s => s?.Replace("encrypted:", "", StringComparison.Ordinal)).PrepareAsync(request, CancellationToken.None);

        Assert.Equal(Path.Combine(Root, "7", "repo", "hello"), prepared.WorkingDirectory);
        Assert.Equal(prepared.WorkingDirectory, prepared.RepositoryDirectory);
        Assert.Equal(Path.Combine(Root, "7"), prepared.TaskDirectory);
        Assert.StartsWith($"Implement [Attachment downloaded to: {Path.Combine(Root, "7", "attachments", "70", "spec.md")}]", prepared.Prompt, StringComparison.Ordinal);
    }

    /// <summary>Issue 12 item 3: a repository named <c>.claude</c> landed on the agent's config folder; the executor then
    /// wrote the model settings through its links (outside the workspace) and left the model key in its work tree.</summary>
    [Agents.LinuxFact]
    public async Task A_repository_named_like_the_agents_config_folder_gets_a_folder_of_its_own_and_nothing_is_written_through_its_links()
    {
        var outside = _temp.Combine("outside");
        var victim = Path.Combine(outside, "victim.txt");
        Directory.CreateDirectory(outside);
        File.WriteAllText(victim, "precious\n");
        var source = TestGit.CreateWorkingRepository(_temp.Combine("crafted-source"));
        File.CreateSymbolicLink(Path.Combine(source, "settings.json"), victim);
        Directory.CreateSymbolicLink(Path.Combine(source, "agents"), outside);
        TestGit.Run(source, "add", ".");
        TestGit.Run(source, "commit", "-q", "-m", "Links out of the workspace");
        TestGit.Run(_temp.Combine("served"), "clone", "-q", "--bare", source, ".claude.git");
        var request = TestTasks.Request(new JsonObject
        {
            ["git_url"] = _git.UrlOf(".claude.git"),
            ["user"] = User(Token),
            ["mode"] = "coordinate",
            ["bot"] = new JsonArray(
                new JsonObject { ["name"] = "lead", ["agent_config"] = new JsonObject { ["env"] = new JsonObject { ["ANTHROPIC_AUTH_TOKEN"] = "model-key-31337" } } },
                new JsonObject { ["name"] = "helper", ["system_prompt"] = "Help." }),
        });

        var prepared = await Preparer().PrepareAsync(request, CancellationToken.None);
        new Wegent.Executor.Tasks.AgentRequestBuilder(new WorkspaceLayout(Root), new Wegent.Executor.Tasks.AgentRequestBuilderOptions { ExecutorVariable = _ => null }).Create(request, prepared);

        Assert.Equal(Path.Combine(Root, "7", "repo", ".claude"), prepared.WorkingDirectory);
        Assert.Equal("precious\n", File.ReadAllText(victim));
        Assert.Equal(["victim.txt"], Directory.EnumerateFileSystemEntries(outside).Select(Path.GetFileName));
        Assert.Contains("model-key-31337", File.ReadAllText(Path.Combine(Root, "7", ".claude", "settings.json")), StringComparison.Ordinal);
        var workTree = Directory.EnumerateFiles(prepared.WorkingDirectory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}.git{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && new FileInfo(f).LinkTarget is null);
        Assert.All(workTree, f => Assert.DoesNotContain("model-key-31337", File.ReadAllText(f), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_task_without_repository_or_downloads_runs_in_its_folder_with_its_own_prompt()
    {
        var prepared = await Preparer().PrepareAsync(TestTasks.Request([]), CancellationToken.None);

        Assert.Equal(Path.Combine(Root, "7"), prepared.WorkingDirectory);
        Assert.Null(prepared.RepositoryDirectory);
        Assert.Null(prepared.Prompt);
    }

    [Fact]
    public async Task A_newer_backends_task_gets_its_repository_from_the_workspace_and_its_images_and_attachments_as_files()
    {
        _backend.Answer("/api/attachments/55/executor-download", "spec");
        var png = Convert.ToBase64String([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var request = TestTasks.Request(new JsonObject
        {
            ["git_url"] = null,
            ["branch_name"] = null,
            ["workspace"] = new JsonObject { ["repository"] = new JsonObject { ["gitUrl"] = _git.UrlOf("hello.git"), ["branchName"] = null } },
            ["user"] = new JsonObject { ["name"] = "octo", ["git_login"] = "octo", ["git_token"] = Token },
            ["user_name"] = "octo",
            ["prompt"] = new JsonArray(
                new JsonObject { ["type"] = "input_text", ["text"] = "[Attachment: spec.md | ID: 55 | File Path(already in sandbox): /home/user/7:executor:attachments/69/spec.md]" },
                new JsonObject { ["type"] = "input_image", ["image_url"] = "data:image/png;base64," + png },
                new JsonObject { ["type"] = "input_text", ["text"] = "Implement the spec as drawn." }),
            ["attachments"] = new JsonArray(new JsonObject { ["id"] = 55, ["original_filename"] = "spec.md", ["mime_type"] = "text/markdown", ["file_size"] = 4, ["subtask_id"] = 69 }),
        });

        var prepared = await Preparer().PrepareAsync(request, CancellationToken.None);

        var attachments = Path.Combine(Root, "7", "attachments", "70");
        Assert.Equal(Path.Combine(Root, "7", "repo", "hello"), prepared.RepositoryDirectory);
        Assert.StartsWith($"[Attachment: spec.md | ID: 55 | Local File Path: {Path.Combine(attachments, "spec.md")}]\n\n[Image 1: {Path.Combine(attachments, "image-1.png")}]\n\n"
            + "Implement the spec as drawn.\n\nThe user attached an image", prepared.Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Downloads_go_to_the_configured_backend_never_to_the_backend_url_of_the_payload()
    {
        await using var hostile = new FakeBackendHttp();
        _backend.Answer("/api/attachments/5/executor-download", "data");
        var request = TestTasks.Request(new JsonObject
        {
            ["backend_url"] = hostile.Url.ToString(),
            ["team_namespace"] = "team-a",
            ["skill_names"] = new JsonArray("review", "pdf"),
            ["skill_refs"] = new JsonObject { ["pdf"] = new JsonObject { ["skill_id"] = 101, ["namespace"] = "team-a" } },
            ["attachments"] = new JsonArray(new JsonObject { ["id"] = 5, ["original_filename"] = "a.txt" }),
        });

        await Preparer().PrepareAsync(request, CancellationToken.None);

        Assert.Empty(hostile.Requests);
        Assert.Equal(["/api/v1/kinds/skills?name=review&namespace=team-a", "/api/v1/kinds/skills/101/download?namespace=team-a&task_id=7", "/api/attachments/5/executor-download"],
            _backend.Requests.Select(r => r.PathAndQuery));
        Assert.All(_backend.Requests, r => Assert.Equal("Bearer " + TestTasks.AuthToken, r.Authorization));
    }

    [Theory]
    [InlineData("https://example.com/owner/..")]
    [InlineData("https://example.com/owner/-x.git")]
    [InlineData("file:///etc")]
    public async Task An_unsafe_repository_fails_the_task_and_writes_nothing(string gitUrl)
    {
        await Assert.ThrowsAsync<WorkspaceException>(() =>
            Preparer().PrepareAsync(TestTasks.Request(new JsonObject { ["git_url"] = gitUrl }), CancellationToken.None));

        Assert.False(Directory.Exists(Root));
        Assert.Equal(["served"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName).Where(n => n != "cache"));
    }
}

public sealed class GitWorkbenchMonitorTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private sealed class Recorder : IAgentObserver
    {
        public List<AgentEvent> Events { get; } = [];

        public void OnEvent(AgentEvent agentEvent) => Events.Add(agentEvent);
    }

    [Fact]
    public async Task Refreshes_after_tool_results_at_most_once_per_interval_and_once_more_at_the_end()
    {
        var repo = TestGit.CreateWorkingRepository(_temp.Combine("7", "repo"));
        var time = new FakeTimeProvider();
        var seen = new List<GitWorkbench>();
        var workspace = new PreparedWorkspace { TaskDirectory = _temp.Combine("7"), WorkingDirectory = repo, RepositoryDirectory = repo };
        var monitor = (await GitWorkbenchMonitor.StartAsync(workspace, "main", new GitCommand(), w => { lock (seen) seen.Add(w); }, time, new TestLog().Logger, CancellationToken.None))!;
        await using var _ = monitor;
        await Wait.UntilAsync(() => Count(seen) == 1, "the first refresh");

        File.WriteAllText(Path.Combine(repo, "hello.py"), "print(1)\n");
        var recorder = new Recorder();
        var observer = monitor.Observe(recorder);
        for (var i = 0; i < 5; i++) observer.OnEvent(new AgentToolResult($"t{i}", "ok", false));
        time.Advance(GitWorkbenchMonitor.MinimumInterval - TimeSpan.FromMilliseconds(1));

        Assert.Equal(5, recorder.Events.Count);
        Assert.Equal(1, Count(seen));
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Wait.UntilAsync(() => Count(seen) == 2, "one refresh for the burst");
        Assert.Equal("hello.py", seen[1].FileChanges.Single()["new_path"]!.GetValue<string>());

        File.Delete(Path.Combine(repo, "hello.py"));
        await monitor.FinishAsync();
        Assert.Equal(3, Count(seen));
        Assert.Empty(seen[2].FileChanges);
    }

    [Fact]
    public async Task A_task_without_a_checkout_has_no_monitor()
    {
        var workspace = new PreparedWorkspace { TaskDirectory = _temp.Path, WorkingDirectory = _temp.Path };

        Assert.Null(await GitWorkbenchMonitor.StartAsync(workspace, null, new GitCommand(), _ => { }, TimeProvider.System, new TestLog().Logger, CancellationToken.None));
    }

    private static int Count(List<GitWorkbench> seen)
    {
        lock (seen) return seen.Count;
    }
}
