using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Wegent.E2E.Infrastructure;

namespace Wegent.E2E;

/// <summary>Tasks that bring a repository, skills and attachments: the executor clones from a git daemon on loopback,
/// downloads from the dev backend, and the result shows what the agent changed. The generation a user meets today
/// (Responses-API); the repository task in both.</summary>
public sealed class WorkspaceTests
{
    private static string Invariant(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Each generation reports what the agent changed in its own place: the January one in the result's
    /// <c>workbench</c> (with the git facts), the newer one in <c>response.completed</c>'s <c>file_changes</c>.</summary>
    [E2ETheory]
    [MemberData(nameof(BackendGenerations.Both), MemberType = typeof(BackendGenerations))]
    public async Task A_task_on_a_repository_works_in_the_checkout_and_reports_its_file_changes(BackendGeneration generation)
    {
        await using var repositories = await GitRepositories.ServeAsync();
        var url = repositories.Create("hello");
        await using var backend = await DevBackend.StartAsync(generation);
        await using var executor = ExecutorProcess.Start(backend);
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered");

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject
        {
            ["prompt"] = "Write hello.py",
            ["scenario"] = "write-file",
            ["git_url"] = url,
            ["branch_name"] = "main",
        });
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

        Assert.Equal("COMPLETED", subtask["status"]!.GetValue<string>());
        var checkout = Path.Combine(executor.Workspace, Invariant(taskId), "repo", "hello");
        Assert.True(File.Exists(Path.Combine(checkout, "README.md")));
        Assert.Equal("print(\"Hello, World!\")\n", await File.ReadAllTextAsync(Path.Combine(checkout, "hello.py")));
        var result = subtask["result"]!;
        var workbench = generation == BackendGeneration.Legacy ? result["workbench"]! : null;
        var change = Assert.Single((workbench ?? result)["file_changes"]!.AsArray());
        Assert.Equal("hello.py", change!["new_path"]!.GetValue<string>());
        Assert.True(change["new_file"]!.GetValue<bool>());
        Assert.Equal(1, change["added_lines"]!.GetValue<int>());
        if (workbench is not null)
        {
            Assert.Equal(40, workbench["git_info"]!["initial_commit_id"]!.GetValue<string>().Length);
            Assert.Equal("main", workbench["git_info"]!["source_branch"]!.GetValue<string>());
            Assert.Equal("main", workbench["branch"]!.GetValue<string>());
        }
    }

    [E2EFact]
    public async Task Skills_and_attachments_are_downloaded_and_the_prompt_points_at_the_files()
    {
        await using var backend = await DevBackend.StartAsync();
        await using var executor = ExecutorProcess.Start(backend);
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered");
        using var http = new HttpClient { BaseAddress = new Uri(backend.Url), DefaultRequestHeaders = { { "Authorization", "Bearer " + backend.Token } } };
        var skill = await PostAsync(http, "/api/v1/kinds/skills", new JsonObject
        {
            ["name"] = "review",
            ["namespace"] = "default",
            ["zip_base64"] = Convert.ToBase64String(Zip("review/SKILL.md", "# Review skill")),
        });
        var attachment = await PostAsync(http, "/api/attachments", new JsonObject
        {
            ["original_filename"] = "../notes.txt",
            ["content_base64"] = Convert.ToBase64String("remember the milk\n"u8.ToArray()),
        });
        var attachmentId = attachment["id"]!.GetValue<long>();

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject
        {
            ["prompt"] = $"Read [attachment:{attachmentId}]",
            ["scenario"] = "echo",
            ["bot"] = new JsonObject { ["skills"] = new JsonArray("review") },
            ["attachments"] = new JsonArray(attachment.DeepClone()),
        });
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

        Assert.Equal("COMPLETED", subtask["status"]!.GetValue<string>());
        var taskDirectory = Path.Combine(executor.Workspace, Invariant(taskId));
        var downloaded = Path.Combine(taskDirectory, "attachments", Invariant(subtaskId), "notes.txt");
        Assert.Equal("remember the milk\n", await File.ReadAllTextAsync(downloaded));
        Assert.Contains($"[Attachment downloaded to: {downloaded}]", subtask["result"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("# Review skill", await File.ReadAllTextAsync(Path.Combine(taskDirectory, ".claude", "skills", "review", "SKILL.md")));
        // Cached under the skill's namespace and id: a name alone can be another skill in another namespace.
        Assert.True(File.Exists(Path.Combine(executor.Home, "cache", "skills", "default", Invariant(skill["id"]!.GetValue<long>()), "SKILL.md")));
    }

    private static async Task<JsonObject> PostAsync(HttpClient http, string path, JsonObject body)
    {
        using var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static byte[] Zip(string name, string content)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(archive.CreateEntry(name).Open());
            writer.Write(content);
        }

        return buffer.ToArray();
    }
}
