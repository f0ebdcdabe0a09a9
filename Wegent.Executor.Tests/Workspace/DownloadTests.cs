using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tests.Configuration;
using Wegent.Executor.Tests.TestSupport;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tests.Workspace;

internal static class TestTasks
{
    public const string AuthToken = "task-jwt-123456";

    public static TaskRequest Request(JsonObject extra)
    {
        var payload = new JsonObject { ["task_id"] = 7, ["subtask_id"] = 70, ["prompt"] = "Do it", ["auth_token"] = AuthToken };
        foreach (var (key, value) in extra) payload[key] = value?.DeepClone();
        // Parsed from text, as a payload arrives from the socket.
        return TaskPayloadParser.ParseExecute(JsonNode.Parse(payload.ToJsonString())).Value ?? throw new InvalidOperationException("invalid test payload");
    }
}

public sealed class SkillInstallerTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _temp = new();
    private readonly TestLog _log = new();
    private readonly FakeBackendHttp _backend = new();
    private BackendDownloads _downloads = null!;

    private string Cache => _temp.Combine("cache", "skills");

    private string ConfigDirectory => _temp.Combine("workspace", "7", ".claude");

    public Task InitializeAsync()
    {
        _downloads = new BackendDownloads(_backend.Url);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _downloads.Dispose();
        await _backend.DisposeAsync();
        _temp.Dispose();
    }

    private void Publish(string name, string id, string space, MemoryStream zip)
    {
        _backend.Answer($"/api/v1/kinds/skills?name={name}&namespace={space}",
            new JsonObject
            {
                ["items"] = new JsonArray(new JsonObject
                {
                    ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = space, ["labels"] = new JsonObject { ["id"] = id } },
                }),
            }.ToJsonString());
        _backend.Answer($"/api/v1/kinds/skills/{id}/download?namespace={space}", zip.ToArray());
    }

    private static TaskRequest WithSkills(params string[] skills) => TestTasks.Request(new JsonObject
    {
        ["team_namespace"] = "team-a",
        ["bot"] = new JsonArray(new JsonObject { ["skills"] = new JsonArray([.. skills.Select(s => (JsonNode)s)]) }),
    });

    private SkillInstaller Installer(bool clearCache = true) => new(_downloads, Cache, clearCache, _log.Logger);

    [Fact]
    public async Task A_skill_is_looked_up_downloaded_with_the_task_token_and_copied_into_the_task()
    {
        Publish("review", "42", "team-a", SafeZipTests.Zip(("SKILL.md", "# review"), ("ref/guide.md", "guide")));

        var installed = await Installer().InstallAsync(WithSkills("review"), ConfigDirectory, CancellationToken.None);

        Assert.Equal(["review"], installed);
        Assert.Equal("# review", File.ReadAllText(Path.Combine(ConfigDirectory, "skills", "review", "SKILL.md")));
        Assert.Equal("guide", File.ReadAllText(Path.Combine(ConfigDirectory, "skills", "review", "ref", "guide.md")));
        Assert.True(File.Exists(Path.Combine(Cache, "review", "SKILL.md")));
        Assert.All(_backend.Requests, r => Assert.Equal("Bearer " + TestTasks.AuthToken, r.Authorization));
    }

    [Fact]
    public async Task With_the_cache_kept_a_second_task_downloads_nothing()
    {
        Publish("review", "42", "team-a", SafeZipTests.Zip(("SKILL.md", "# review")));
        await Installer(clearCache: false).InstallAsync(WithSkills("review"), ConfigDirectory, CancellationToken.None);
        var requests = _backend.Requests.Count;

        var other = _temp.Combine("workspace", "8", ".claude");
        await Installer(clearCache: false).InstallAsync(WithSkills("review"), other, CancellationToken.None);

        Assert.Equal(requests, _backend.Requests.Count);
        Assert.True(File.Exists(Path.Combine(other, "skills", "review", "SKILL.md")));
    }

    [Fact]
    public async Task With_the_cache_cleared_every_task_downloads_again()
    {
        Publish("review", "42", "team-a", SafeZipTests.Zip(("SKILL.md", "# v1")));
        await Installer().InstallAsync(WithSkills("review"), ConfigDirectory, CancellationToken.None);
        Publish("review", "42", "team-a", SafeZipTests.Zip(("SKILL.md", "# v2")));

        await Installer().InstallAsync(WithSkills("review"), ConfigDirectory, CancellationToken.None);

        Assert.Equal("# v2", File.ReadAllText(Path.Combine(ConfigDirectory, "skills", "review", "SKILL.md")));
    }

    [Fact]
    public async Task A_skill_with_an_escaping_entry_is_rejected_whole_and_the_others_still_install()
    {
        Publish("evil", "1", "team-a", SafeZipTests.Zip(("SKILL.md", "# evil"), ("../../../escaped.txt", "x")));
        Publish("good", "2", "team-a", SafeZipTests.Zip(("SKILL.md", "# good")));

        var installed = await Installer().InstallAsync(WithSkills("evil", "good", "missing", "../x"), ConfigDirectory, CancellationToken.None);

        Assert.Equal(["good"], installed);
        Assert.False(Directory.Exists(Path.Combine(ConfigDirectory, "skills", "evil")));
        Assert.False(Directory.Exists(Path.Combine(Cache, "evil")));
        Assert.Empty(Directory.EnumerateFiles(_temp.Path, "escaped.txt", SearchOption.AllDirectories));
        Assert.Contains(_log.Lines, l => l.Contains("Skill 'evil' could not be installed", StringComparison.Ordinal));
        Assert.Contains(_log.Lines, l => l.Contains("Skill 'missing' could not be installed", StringComparison.Ordinal));
        Assert.Contains(_log.Lines, l => l.Contains("Skill '../x' skipped", StringComparison.Ordinal));
    }

    [Fact]
    public void The_namespace_is_the_teams_then_the_executors_then_default()
    {
        Assert.Equal("t", SkillInstaller.Namespace(new JsonObject { ["team_namespace"] = "t", ["executor_namespace"] = "e" }));
        Assert.Equal("e", SkillInstaller.Namespace(new JsonObject { ["team_namespace"] = null, ["executor_namespace"] = "e" }));
        Assert.Equal("default", SkillInstaller.Namespace([]));
    }
}

public sealed class AttachmentDownloaderTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _temp = new();
    private readonly TestLog _log = new();
    private readonly FakeBackendHttp _backend = new();
    private BackendDownloads _downloads = null!;

    private string TaskDirectory => _temp.Combine("workspace", "7");

    public Task InitializeAsync()
    {
        _downloads = new BackendDownloads(_backend.Url);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _downloads.Dispose();
        await _backend.DisposeAsync();
        _temp.Dispose();
    }

    private static TaskRequest WithAttachments(string prompt, params (long Id, string Name)[] attachments) => TestTasks.Request(new JsonObject
    {
        ["prompt"] = prompt,
        ["attachments"] = new JsonArray([.. attachments.Select(a => (JsonNode)new JsonObject { ["id"] = a.Id, ["original_filename"] = a.Name })]),
    });

    [Fact]
    public async Task Attachments_land_under_the_subtask_and_the_prompt_points_at_them()
    {
        _backend.Answer("/api/attachments/5/executor-download", "a,b\n1,2\n");
        var request = WithAttachments("Summarise [attachment:5] please", (5, "../../data.csv"));

        var results = await new AttachmentDownloader(_downloads, 1024, _log.Logger).DownloadAsync(request, TaskDirectory, CancellationToken.None);
        var prompt = AttachmentDownloader.RewritePrompt(request.Prompt, results);

        var path = Path.Combine(TaskDirectory, "attachments", "70", "data.csv");
        Assert.Equal("a,b\n1,2\n", File.ReadAllText(path));
        Assert.Equal($"Summarise [Attachment downloaded to: {path}] please\n\nAvailable attachment files:\n- {path}\n", prompt);
        Assert.Equal("Bearer " + TestTasks.AuthToken, _backend.Requests.Single().Authorization);
    }

    [Fact]
    public async Task A_failed_download_is_told_in_the_prompt()
    {
        var request = WithAttachments("Read [attachment:9]", (9, "gone.txt"));

        var results = await new AttachmentDownloader(_downloads, 1024, _log.Logger).DownloadAsync(request, TaskDirectory, CancellationToken.None);
        var prompt = AttachmentDownloader.RewritePrompt(request.Prompt, results);

        Assert.StartsWith("Read [Attachment gone.txt could not be downloaded: the backend answered 404", prompt, StringComparison.Ordinal);
        Assert.Contains("- gone.txt: not available (", prompt, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(TaskDirectory, "attachments", "70", "gone.txt")));
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_not_kept()
    {
        _backend.Answer("/api/attachments/5/executor-download", new byte[2048]);

        var results = await new AttachmentDownloader(_downloads, 1024, _log.Logger)
            .DownloadAsync(WithAttachments("x", (5, "big.bin")), TaskDirectory, CancellationToken.None);

        Assert.Contains("larger than", results.Single().Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(TaskDirectory, "attachments", "70", "big.bin")));
    }

    [Fact]
    public async Task A_redirect_to_another_host_is_not_followed()
    {
        await using var other = new FakeBackendHttp();
        other.Answer("/stolen", "secret");
        _backend.Redirect("/api/attachments/5/executor-download", other.Url + "stolen");

        var results = await new AttachmentDownloader(_downloads, 1024, _log.Logger)
            .DownloadAsync(WithAttachments("x", (5, "a.txt")), TaskDirectory, CancellationToken.None);

        Assert.NotNull(results.Single().Error);
        Assert.Empty(other.Requests);
    }

    [Fact]
    public async Task Two_attachments_with_one_name_get_two_files()
    {
        _backend.Answer("/api/attachments/1/executor-download", "one");
        _backend.Answer("/api/attachments/2/executor-download", "two");

        var results = await new AttachmentDownloader(_downloads, 1024, _log.Logger)
            .DownloadAsync(WithAttachments("x", (1, "a.txt"), (2, "a.txt")), TaskDirectory, CancellationToken.None);

        Assert.Equal(["one", "two"], results.Select(r => File.ReadAllText(r.Path!)));
    }

    [Fact]
    public void References_to_unknown_attachments_are_left_alone() =>
        Assert.StartsWith("See [attachment:3] and [Attachment downloaded to: /w/a.txt]",
            AttachmentDownloader.RewritePrompt("See [attachment:3] and [attachment:4]", [new AttachmentResult(4, "a.txt", "/w/a.txt", null)]), StringComparison.Ordinal);
}
