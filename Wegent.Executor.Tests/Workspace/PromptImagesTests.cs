using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tests.Configuration;
using Wegent.Executor.Tests.TestSupport;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tests.Workspace;

public sealed class PromptImagesTests : IDisposable
{
    /// <summary>The smallest PNG: its signature, enough for the type check.</summary>
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];

    private readonly TemporaryDirectory _temp = new();
    private readonly TestLog _log = new();

    public void Dispose() => _temp.Dispose();

    private string TaskDirectory => _temp.Combine("workspace", "7");

    private string Folder => Path.Combine(TaskDirectory, "attachments", "70");

    private static string DataUrl(string mediaType, byte[] bytes) => $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";

    private static TaskRequest Blocks(params JsonNode[] blocks) => TestTasks.Request(new JsonObject { ["prompt"] = new JsonArray(blocks) });

    private static JsonObject Text(string text) => new() { ["type"] = "input_text", ["text"] = text };

    private static JsonObject Image(string url) => new() { ["type"] = "input_image", ["image_url"] = url };

    private string? Compose(TaskRequest request, long maxBytes = 1024) => new PromptImages(maxBytes, _log.Logger).Compose(request, TaskDirectory);

    [Fact]
    public void A_plain_text_prompt_is_left_as_it_is() => Assert.Null(Compose(TestTasks.Request([])));

    [Fact]
    public void Each_image_is_saved_in_the_task_named_where_it_stood_and_the_agent_is_asked_to_look_at_it()
    {
        var prompt = Compose(Blocks(Text("Compare"), Image(DataUrl("image/png", Png)), Text("with"), Image(DataUrl("image/png", Png))));

        var first = Path.Combine(Folder, "image-1.png");
        var second = Path.Combine(Folder, "image-2.png");
        Assert.Equal($"Compare\n\n[Image 1: {first}]\n\nwith\n\n[Image 2: {second}]\n\n"
            + $"The user attached 2 images, saved as files. Look at each with your Read tool before you answer:\n- {first}\n- {second}", prompt);
        Assert.Equal(Png, File.ReadAllBytes(first));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first));
    }

    [Fact]
    public void An_image_never_replaces_a_file_already_there()
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, "image-1.png"), "an attachment of that name");

        var prompt = Compose(Blocks(Image(DataUrl("image/png", Png))));

        Assert.Equal("an attachment of that name", File.ReadAllText(Path.Combine(Folder, "image-1.png")));
        Assert.Equal(Png, File.ReadAllBytes(Path.Combine(Folder, "image-1-2.png")));
        Assert.Contains("[Image 1: " + Path.Combine(Folder, "image-1-2.png") + "]", prompt, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://example.com/cat.png", "it was sent as a link, which the executor does not fetch: https://example.com/cat.png")]
    [InlineData("file:///etc/passwd", "it is not a data: URL")]
    [InlineData("data:image/png,raw", "it is not base64-encoded")]
    [InlineData("data:image/svg+xml;base64,PHN2Zz4=", "its type 'image/svg+xml' is not PNG, JPEG, GIF or WebP")]
    [InlineData("data:text/html;base64,PGh0bWw+", "its type 'text/html' is not PNG, JPEG, GIF or WebP")]
    [InlineData("data:image/png;base64,%%%%", "its data is not valid base64")]
    [InlineData("data:image/jpeg;base64,iVBORw0KGgo=", "its data is not a image/jpeg image")]
    [InlineData("data:image/gif;base64,TVqQAAMAAAAEAAAA", "its data is not a image/gif image")]
    public void An_image_that_cannot_be_passed_on_is_left_out_and_the_agent_told_why(string url, string reason)
    {
        var prompt = Compose(Blocks(Text("Look:"), Image(url)));

        Assert.Equal($"Look:\n\n[Image 1 could not be passed on: {reason}]", prompt);
        Assert.False(Directory.Exists(Folder) && Directory.EnumerateFiles(Folder).Any());
        Assert.Contains(_log.Lines, l => l.Contains("Image 1 of task 7 (prompt block 1) was left out", StringComparison.Ordinal));
    }

    [Fact]
    public void An_image_over_the_size_limit_is_left_out()
    {
        var request = Blocks(Image(DataUrl("image/png", [.. Png, .. new byte[2 * 1024 * 1024]])));

        Assert.Equal("[Image 1 could not be passed on: it is larger than 1 MB]", Compose(request, maxBytes: 1024 * 1024));
        Assert.StartsWith("[Image 1: ", Compose(request, maxBytes: 3 * 1024 * 1024), StringComparison.Ordinal);
    }

    [Fact]
    public void Blocks_of_other_kinds_are_named_in_their_place()
    {
        var prompt = Compose(Blocks(Text("Read this"), new JsonObject { ["type"] = "input_file", ["file_id"] = "f" }));

        Assert.Equal("Read this\n\n[Left out of this message: a block of type input_file (only text and images are passed on)]", prompt);
    }

    [UnixFact]
    public void A_link_in_place_of_the_attachments_folder_is_not_written_through()
    {
        var outside = Directory.CreateDirectory(_temp.Combine("outside")).FullName;
        Directory.CreateDirectory(TaskDirectory);
        File.CreateSymbolicLink(Path.Combine(TaskDirectory, "attachments"), outside);

        var prompt = Compose(Blocks(Image(DataUrl("image/png", Png))));

        Assert.StartsWith("[Image 1 could not be passed on: it could not be saved (", prompt, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }
}
