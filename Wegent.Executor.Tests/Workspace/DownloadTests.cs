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
        Assert.True(File.Exists(Path.Combine(Cache, "team-a", "42", "SKILL.md")));
        Assert.All(_backend.Requests, r => Assert.Equal("Bearer " + TestTasks.AuthToken, r.Authorization));
    }

    [Fact]
    public async Task With_the_cache_kept_a_second_task_looks_the_name_up_again_but_downloads_nothing()
    {
        Publish("review", "42", "team-a", SafeZipTests.Zip(("SKILL.md", "# review")));
        await Installer(clearCache: false).InstallAsync(WithSkills("review"), ConfigDirectory, CancellationToken.None);

        var other = _temp.Combine("workspace", "8", ".claude");
        await Installer(clearCache: false).InstallAsync(WithSkills("review"), other, CancellationToken.None);

        Assert.Single(_backend.Requests, r => r.PathAndQuery.Contains("/download", StringComparison.Ordinal));
        Assert.Equal(2, _backend.Requests.Count(r => r.PathAndQuery.StartsWith("/api/v1/kinds/skills?", StringComparison.Ordinal)));
        Assert.True(File.Exists(Path.Combine(other, "skills", "review", "SKILL.md")));
    }

    [Fact]
    public async Task A_skill_with_the_backends_reference_is_downloaded_by_its_id_without_a_lookup()
    {
        _backend.Answer("/api/v1/kinds/skills/101/download?namespace=team-b&task_id=7", SafeZipTests.Zip(("SKILL.md", "# pdf")).ToArray());
        var request = TestTasks.Request(new JsonObject
        {
            ["team_namespace"] = "team-a",
            ["skill_names"] = new JsonArray("pdf"),
            ["skill_refs"] = new JsonObject { ["pdf"] = new JsonObject { ["skill_id"] = 101, ["namespace"] = "team-b", ["is_public"] = false } },
        });

        var installed = await Installer().InstallAsync(request, ConfigDirectory, CancellationToken.None);

        Assert.Equal(["pdf"], installed);
        Assert.Equal("# pdf", File.ReadAllText(Path.Combine(ConfigDirectory, "skills", "pdf", "SKILL.md")));
        Assert.Equal(["/api/v1/kinds/skills/101/download?namespace=team-b&task_id=7"], _backend.Requests.Select(r => r.PathAndQuery));
    }

    /// <summary>Issue 12, item 11: with SKILL_CLEAR_CACHE=false the cache was keyed by the skill's name alone, so the skill
    /// one namespace calls "review" was installed for another namespace's task asking for its own "review".</summary>
    [Fact]
    public async Task Regression_issue12_item11_a_kept_cache_never_serves_one_namespaces_skill_to_another()
    {
        Publish("review", "1", "team-a", SafeZipTests.Zip(("SKILL.md", "# review of team A")));
        Publish("review", "2", "team-b", SafeZipTests.Zip(("SKILL.md", "# review of team B")));
        _backend.Answer("/api/v1/kinds/skills/2/download?namespace=team-b&task_id=7", SafeZipTests.Zip(("SKILL.md", "# review of team B")).ToArray());
        await Installer(clearCache: false).InstallAsync(WithSkills("review"), ConfigDirectory, CancellationToken.None);
        Assert.Equal("# review of team A", File.ReadAllText(Path.Combine(ConfigDirectory, "skills", "review", "SKILL.md")));

        var byReference = _temp.Combine("workspace", "9", ".claude");
        await Installer(clearCache: false).InstallAsync(TestTasks.Request(new JsonObject
        {
            ["team_namespace"] = "team-a",
            ["skill_names"] = new JsonArray("review"),
            ["skill_refs"] = new JsonObject { ["review"] = new JsonObject { ["skill_id"] = 2, ["namespace"] = "team-b" } },
        }), byReference, CancellationToken.None);
        var byName = _temp.Combine("workspace", "8", ".claude");
        await Installer(clearCache: false).InstallAsync(TestTasks.Request(new JsonObject
        {
            ["team_namespace"] = "team-b",
            ["bot"] = new JsonArray(new JsonObject { ["skills"] = new JsonArray("review") }),
        }), byName, CancellationToken.None);

        Assert.Equal("# review of team B", File.ReadAllText(Path.Combine(byName, "skills", "review", "SKILL.md")));
        Assert.Equal("# review of team B", File.ReadAllText(Path.Combine(byReference, "skills", "review", "SKILL.md")));
    }

    [Theory]
    [InlineData("team-a", "team-a")]
    [InlineData("../../escape", null)]
    [InlineData("a/b", null)]
    [InlineData("%41", null)]
    public void A_skills_cache_folder_is_its_namespace_and_id_inside_the_cache(string space, string? folder)
    {
        var path = Installer().CacheFolder(new SkillReference(42, space));

        Assert.Equal(Cache, Path.GetDirectoryName(Path.GetDirectoryName(path)));
        Assert.Equal("42", Path.GetFileName(path));
        var namespaceFolder = Path.GetFileName(Path.GetDirectoryName(path))!;
        if (folder is not null) Assert.Equal(folder, namespaceFolder);
        else Assert.Matches("^%[0-9a-f]{32}$", namespaceFolder);
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
        var prompt = AttachmentDownloader.RewritePrompt(request.Prompt, results, request.TaskId, request.SubtaskId);

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
        var prompt = AttachmentDownloader.RewritePrompt(request.Prompt, results, request.TaskId, request.SubtaskId);

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
    public async Task A_newer_backends_attachments_are_found_where_its_prompt_says_they_are()
    {
        _backend.Answer("/api/attachments/55/executor-download", "# Report");
        _backend.Answer("/api/attachments/56/executor-download", "png");
        const string Sandbox = "/home/user/7:executor:attachments/69/";
        var request = TestTasks.Request(new JsonObject
        {
            ["prompt"] = $"""
                <attachment>[Attachment: report.md | ID: 55 | Type: text/markdown | Size: 8 bytes | URL: /api/attachments/55/download | File Path(already in sandbox): {Sandbox}report.md]
                # Report

                [Image Attachment: shot.png | ID: 56 | Type: image/png | Size: 3 bytes | URL: /api/attachments/56/download | File Path in Sandbox: {Sandbox}shot.png]
                [Attachment: gone.md | ID: 57 | Type: text/markdown | Size: 1 bytes | URL: /api/attachments/57/download | File Path(already in sandbox): {Sandbox}gone.md]</attachment>
                Summarise {Sandbox}report.md
                """,
            ["attachments"] = new JsonArray(
                new JsonObject { ["id"] = 55, ["original_filename"] = "report.md", ["mime_type"] = "text/markdown", ["file_size"] = 8, ["subtask_id"] = 69 },
                new JsonObject { ["id"] = 56, ["original_filename"] = "shot.png", ["mime_type"] = "image/png", ["file_size"] = 3, ["subtask_id"] = 69 },
                new JsonObject { ["id"] = 57, ["original_filename"] = "gone.md", ["mime_type"] = "text/markdown", ["file_size"] = 1, ["subtask_id"] = 69 }),
        });

        var results = await new AttachmentDownloader(_downloads, 1024, _log.Logger).DownloadAsync(request, TaskDirectory, CancellationToken.None);
        var prompt = AttachmentDownloader.RewritePrompt(request.Prompt, results, request.TaskId, request.SubtaskId);

        var report = Path.Combine(TaskDirectory, "attachments", "70", "report.md");
        var shot = Path.Combine(TaskDirectory, "attachments", "70", "shot.png");
        Assert.Equal("# Report", File.ReadAllText(report));
        Assert.Contains($"| Local File Path: {report}]", prompt, StringComparison.Ordinal);
        Assert.Contains($"| Local File Path: {shot}]", prompt, StringComparison.Ordinal);
        Assert.Contains("| File not available: the backend answered 404", prompt, StringComparison.Ordinal);
        Assert.Contains($"Summarise {report}", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("already in sandbox", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sandbox_path_is_the_backends_own_for_the_attachment_or_the_task()
    {
        Assert.Equal("/home/user/7:executor:attachments/69/a b.md",
            AttachmentDownloader.SandboxPath(new AttachmentResult(1, "a b.md", null, null) { OriginalName = "a b.md", SubtaskId = 69 }, 7, 70));
        Assert.Equal("/home/user/7:executor:attachments/70/ab.md",
            AttachmentDownloader.SandboxPath(new AttachmentResult(1, "ab.md", null, null) { OriginalName = "a\r\nb.md" }, 7, 70));
        Assert.Equal("/home/user/7:executor:attachments/70/document", AttachmentDownloader.SandboxPath(new AttachmentResult(1, "x", null, null), 7, 70));
    }

    [UnixFact]
    public async Task A_link_in_place_of_an_attachments_folder_or_file_is_never_written_through()
    {
        _backend.Answer("/api/attachments/5/executor-download", "overwritten");
        var outside = Directory.CreateDirectory(_temp.Combine("outside")).FullName;
        var victim = Path.Combine(outside, "victim.txt");
        File.WriteAllText(victim, "mine");
        Directory.CreateDirectory(TaskDirectory);
        File.CreateSymbolicLink(Path.Combine(TaskDirectory, "attachments"), outside);

        var throughFolder = await new AttachmentDownloader(_downloads, 1024, _log.Logger)
            .DownloadAsync(WithAttachments("x", (5, "a.txt")), TaskDirectory, CancellationToken.None);

        Assert.Contains("is a link or a file", throughFolder.Single().Error, StringComparison.Ordinal);
        Assert.Equal(["victim.txt"], Directory.EnumerateFileSystemEntries(outside).Select(Path.GetFileName));

        File.Delete(Path.Combine(TaskDirectory, "attachments"));
        Directory.CreateDirectory(Path.Combine(TaskDirectory, "attachments", "70"));
        File.CreateSymbolicLink(Path.Combine(TaskDirectory, "attachments", "70", "a.txt"), victim);

        var overLink = await new AttachmentDownloader(_downloads, 1024, _log.Logger)
            .DownloadAsync(WithAttachments("x", (5, "a.txt")), TaskDirectory, CancellationToken.None);

        Assert.Equal("mine", File.ReadAllText(victim));
        Assert.Equal("overwritten", File.ReadAllText(overLink.Single().Path!));
        Assert.Null(new FileInfo(overLink.Single().Path!).LinkTarget);
    }

    [Fact]
    public void References_to_unknown_attachments_are_left_alone() =>
        Assert.StartsWith("See [attachment:3] and [Attachment downloaded to: /w/a.txt]",
            AttachmentDownloader.RewritePrompt("See [attachment:3] and [attachment:4]", [new AttachmentResult(4, "a.txt", "/w/a.txt", null)], 7, 70),
            StringComparison.Ordinal);
}
