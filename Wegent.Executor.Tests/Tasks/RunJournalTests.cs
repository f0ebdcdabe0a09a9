using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Tasks;

public sealed class RunJournalTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("journal-");

    public void Dispose() => _directory.Delete(recursive: true);

    private static TaskRequest Request(long subtaskId) =>
        new() { TaskId = 7, SubtaskId = subtaskId, TaskTitle = "T", SubtaskTitle = "S", Prompt = "p", Raw = new JsonObject() };

    [Fact]
    public async Task A_finished_run_leaves_nothing_behind()
    {
        var journal = new RunJournal(_directory.FullName, new TestLog().Logger);

        await journal.TrackAsync(Request(1), () => Task.CompletedTask);
        await Assert.ThrowsAsync<InvalidOperationException>(() => journal.TrackAsync(Request(2), () => throw new InvalidOperationException()));

        Assert.Empty(new RunJournal(_directory.FullName, new TestLog().Logger).TakeInterrupted());
    }

    [UnixFact]
    [UnsupportedOSPlatform("windows")]
    public void A_running_entry_is_owner_only()
    {
        var neverEnds = new TaskCompletionSource();
        _ = new RunJournal(_directory.FullName, new TestLog().Logger).TrackAsync(Request(4), () => neverEnds.Task);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory.FullName, "subtask-4.json")));
    }

    [Fact]
    public void A_run_still_going_when_the_process_died_is_found_by_the_next_process_once()
    {
        var neverEnds = new TaskCompletionSource();
        _ = new RunJournal(_directory.FullName, new TestLog().Logger).TrackAsync(Request(3), () => neverEnds.Task);

        var next = new RunJournal(_directory.FullName, new TestLog().Logger);
        var interrupted = Assert.Single(next.TakeInterrupted());

        Assert.Equal(new InterruptedRun(7, 3, "T", "S") { Generation = ResultProtocol.Legacy }, interrupted);
        Assert.Empty(next.TakeInterrupted());
    }

    [Fact]
    public void An_interrupted_run_of_a_newer_backend_keeps_its_generation_and_message_id()
    {
        var neverEnds = new TaskCompletionSource();
        var request = Request(4) with { FromResponsesApiBackend = true, MessageId = 12 };
        _ = new RunJournal(_directory.FullName, new TestLog().Logger).TrackAsync(request, () => neverEnds.Task);

        var interrupted = Assert.Single(new RunJournal(_directory.FullName, new TestLog().Logger).TakeInterrupted());

        Assert.Equal((12L, ResultProtocol.Responses), (interrupted.MessageId!.Value, interrupted.Generation!.Value));
    }
}
