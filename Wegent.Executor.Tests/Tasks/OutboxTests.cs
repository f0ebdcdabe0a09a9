using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Wegent.Executor.Tasks;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Tasks;

public sealed class OutboxTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("outbox-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Saved_entries_survive_and_are_owner_only()
    {
        var outbox = new Outbox(_directory.FullName, new TestLog().Logger);
        outbox.Save(new OutboxEntry(1, 2, "task:complete", new JsonObject { ["status"] = "COMPLETED" }));

        var loaded = new Outbox(_directory.FullName, new TestLog().Logger).LoadAll();

        var entry = Assert.Single(loaded);
        Assert.Equal((1L, 2L, "task:complete"), (entry.TaskId, entry.SubtaskId, entry.EventName));
        Assert.Equal("COMPLETED", entry.Payload["status"]!.GetValue<string>());
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(Path.Combine(_directory.FullName, "subtask-2.json"));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }
    }

    [UnixFact]
    [UnsupportedOSPlatform("windows")]
    public void An_entry_saved_again_over_a_readable_leftover_is_owner_only()
    {
        var path = Path.Combine(_directory.FullName, "subtask-5.json");
        File.WriteAllText(path + ".tmp", "half-written by a killed process");
        File.SetUnixFileMode(path + ".tmp", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        new Outbox(_directory.FullName, new TestLog().Logger).Save(new OutboxEntry(1, 5, "task:complete", new JsonObject()));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Removed_entries_are_gone()
    {
        var outbox = new Outbox(_directory.FullName, new TestLog().Logger);
        outbox.Save(new OutboxEntry(1, 2, "task:complete", new JsonObject()));

        outbox.Remove(2);

        Assert.Empty(outbox.LoadAll());
        Assert.Equal(0, outbox.Count);
    }

    [Fact]
    public void A_corrupt_file_is_moved_aside_and_reported_not_deleted()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "subtask-5.json"), "{not json");
        var log = new TestLog();

        var loaded = new Outbox(_directory.FullName, log.Logger).LoadAll();

        Assert.Empty(loaded);
        Assert.True(File.Exists(Path.Combine(_directory.FullName, "subtask-5.json.bad")));
        Assert.Contains(log.Lines, line => line.Contains("unreadable", StringComparison.Ordinal));
    }
}
