using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;
using Wegent.Executor.Reporting;
using Wegent.Executor.Tasks;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Tasks;

public sealed class OutboxTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("outbox-");

    public void Dispose() => _directory.Delete(recursive: true);

    private static FinalReport Report(long subtaskId) => new()
    {
        TaskId = 1,
        SubtaskId = subtaskId,
        MessageId = 3,
        Generation = ResultProtocol.Responses,
        Outcome = FinalOutcome.Completed,
        TaskTitle = "T",
        Run = new RunResult
        {
            Text = "Hello, 世界 🌍",
            Steps = [new RunStep { Kind = RunStepKind.Tool, Id = "toolu_1", Name = "Write", Input = "{}", InputJson = """{"file_path":"a.py"}""", Finished = true, Output = "ok" }],
            FileChanges = [new JsonObject { ["path"] = "a.py" }],
            Usage = new JsonObject { ["output_tokens"] = 5 },
            FinishedAt = "2026-03-01T10:00:00.0000000+00:00",
            StartedAt = 1_767_000_000,
        },
    };

    [Fact]
    public void Saved_entries_survive_with_their_style_and_are_owner_only()
    {
        var outbox = new Outbox(_directory.FullName, new TestLog().Logger);
        outbox.Save(new OutboxEntry(Report(2), ResultProtocol.Responses));
        outbox.Save(new OutboxEntry(Report(3), ResultProtocol.Legacy));

        var loaded = new Outbox(_directory.FullName, new TestLog().Logger).LoadAll().OrderBy(e => e.SubtaskId).ToArray();

        Assert.Equal([ResultProtocol.Responses, ResultProtocol.Legacy], loaded.Select(e => e.Style));
        var report = loaded[0].Report;
        Assert.Equal((1L, 2L, 3L, ResultProtocol.Responses, FinalOutcome.Completed), (report.TaskId, report.SubtaskId, report.MessageId!.Value, report.Generation!.Value, report.Outcome));
        Assert.Equal("Hello, 世界 🌍", report.Run!.Text.ToString());
        Assert.Equal(Report(2).Run!.Steps[0], report.Run.Steps[0]);
        Assert.Equal("a.py", report.Run.FileChanges[0]["path"]!.GetValue<string>());
        Assert.Equal(5, report.Run.Usage!["output_tokens"]!.GetValue<int>());
        Assert.Equal((Report(2).Run!.FinishedAt, 1_767_000_000L), (report.Run.FinishedAt, report.Run.StartedAt));
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(Path.Combine(_directory.FullName, "subtask-2.json"));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }
    }

    [Fact]
    public void A_file_written_by_the_previous_version_is_read_as_a_January_final_kept_as_written()
    {
        const string written = """
            {"task_id":4,"subtask_id":40,"event":"task:complete","payload":{"task_id":4,"subtask_id":40,"task_title":"T","subtask_title":"S","status":"FAILED","progress":100,"result":{"value":"half","thinking":[],"workbench":{"status":"failed","file_changes":[{"path":"b.py"}]}},"error_message":"API Error: 500"}}
            """;
        File.WriteAllText(Path.Combine(_directory.FullName, "subtask-40.json"), written);

        var entry = Assert.Single(new Outbox(_directory.FullName, new TestLog().Logger).LoadAll());

        Assert.Equal(ResultProtocol.Legacy, entry.Style);
        Assert.Equal((4L, 40L, FinalOutcome.Failed, "API Error: 500"), (entry.TaskId, entry.SubtaskId, entry.Report.Outcome, entry.Report.ErrorMessage));
        Assert.Equal("half", entry.Report.Run!.Text.ToString());
        Assert.Equal(KnownEvents.TaskComplete, entry.Report.Written!.EventName);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(written)!["payload"], entry.Report.Written.Payload));
    }

    [UnixFact]
    [UnsupportedOSPlatform("windows")]
    public void An_entry_saved_again_over_a_readable_leftover_is_owner_only()
    {
        var path = Path.Combine(_directory.FullName, "subtask-5.json");
        File.WriteAllText(path + ".tmp", "half-written by a killed process");
        File.SetUnixFileMode(path + ".tmp", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        new Outbox(_directory.FullName, new TestLog().Logger).Save(new OutboxEntry(Report(5), ResultProtocol.Legacy));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Removed_entries_are_gone()
    {
        var outbox = new Outbox(_directory.FullName, new TestLog().Logger);
        outbox.Save(new OutboxEntry(Report(2), ResultProtocol.Legacy));

        outbox.Remove(2);

        Assert.Empty(outbox.LoadAll());
        Assert.Equal(0, outbox.Count);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"task_id":1,"subtask_id":5,"style":"carrier-pigeon","report":{}}""")]
    [InlineData("""{"task_id":1,"subtask_id":5}""")]
    public void An_unreadable_file_is_moved_aside_and_reported_not_deleted(string content)
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "subtask-5.json"), content);
        var log = new TestLog();

        var loaded = new Outbox(_directory.FullName, log.Logger).LoadAll();

        Assert.Empty(loaded);
        Assert.True(File.Exists(Path.Combine(_directory.FullName, "subtask-5.json.bad")));
        Assert.Contains(log.Lines, line => line.Contains("unreadable", StringComparison.Ordinal));
    }
}
