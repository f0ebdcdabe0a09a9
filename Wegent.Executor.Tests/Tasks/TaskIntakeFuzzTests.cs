using System.Text.Json.Nodes;
using Wegent.Executor.Agents;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Tasks;

/// <summary>Generated hostile payloads through the real intake, queue, runner and delivery (a fake agent and channel):
/// nothing throws, nothing is written outside the home, and every payload with a readable subtask id gets an answer.</summary>
public sealed class TaskIntakeFuzzTests : IAsyncDisposable
{
    private const int Payloads = 2_000;
    private readonly RunnerHarness _harness = new(new InstantAgent());

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Two_thousand_generated_payloads_never_crash_and_each_readable_subtask_is_answered()
    {
        var (home, runner, log) = (_harness.Home, _harness.Runner, _harness.Log);
        var queue = new TaskQueue(4, runner.RunAsync, runner.ReportCancelledBeforeStart, log.Logger);
        var intake = new TaskIntake(queue, runner, _harness.Channel, "dev-1", log.Logger);
        var random = new Random(20261124);
        var expectedAnswers = new HashSet<long>();

        for (var i = 0; i < Payloads; i++)
        {
            var (eventName, payload) = Generate(random, i);
            var parsed = eventName is KnownEvents.TaskExecute or KnownEvents.ChatMessage ? TaskPayloadParser.ParseExecute(payload) : null;
            if (parsed?.SubtaskId is { } subtaskId) expectedAnswers.Add(subtaskId);
            intake.Handle(eventName, payload);
        }

        await Wait.UntilAsync(() => expectedAnswers.IsSubsetOf(AnsweredSubtasks()), "an answer for every readable subtask", TimeSpan.FromSeconds(60));
        await queue.StopAsync(CancellationToken.None);

        var outside = Directory.EnumerateFileSystemEntries(_harness.Root, "*", SearchOption.AllDirectories)
            .Where(path => !path.StartsWith(home, StringComparison.Ordinal)).ToArray();
        Assert.Empty(outside);
        var statuses = _harness.Channel.Sent.Where(s => s.Event == KnownEvents.TaskComplete).Select(s => s.Payload["status"]!.GetValue<string>()).ToArray();
        Assert.All(statuses, status => Assert.Contains(status, new[] { KnownStatuses.Completed, KnownStatuses.Failed }));
        Assert.Contains(KnownStatuses.Completed, statuses);
        Assert.Contains(KnownStatuses.Failed, statuses);
        Assert.DoesNotContain(log.Lines, line => line.Contains("unexpected error", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, line => line.Contains("could not run", StringComparison.Ordinal));
    }

    /// <summary>Subtasks with a terminal event in either generation: payloads carrying <c>model_config</c> are answered
    /// in the Responses-API style, the others with <c>task:complete</c> or a cancelled <c>task:progress</c>.</summary>
    private HashSet<long> AnsweredSubtasks() =>
        _harness.Channel.Sent.Where(s => s.Event == KnownEvents.TaskComplete || KnownResponseEvents.IsTerminal(s.Event)
                || s.Payload["status"]?.GetValue<string>() == KnownStatuses.Cancelled)
            .Select(s => s.Payload["subtask_id"]!.GetValue<long>()).ToHashSet();

    private static (string Event, JsonNode? Payload) Generate(Random random, int index)
    {
        string[] events = [KnownEvents.TaskExecute, KnownEvents.TaskExecute, KnownEvents.ChatMessage, KnownEvents.TaskCancel, KnownEvents.TaskCloseSession, "unknown:event"];
        var eventName = events[random.Next(events.Length)];
        if (random.Next(10) == 0) return (eventName, OddValue(random, depth: 0));
        if (random.Next(3) == 0)
        {
            // Well-formed, with hostile strings where strings are allowed.
            return (eventName, new JsonObject
            {
                ["task_id"] = 1_000_000 + (index * 2),
                ["subtask_id"] = 1_000_000 + (index * 2),
                ["prompt"] = Text(random),
                ["task_title"] = Text(random),
                ["subtask_title"] = "../../" + index,
                ["new_session"] = random.Next(2) == 0,
                ["attachments"] = OddValue(random, 0),
                ["user"] = OddValue(random, 0),
            });
        }

        var payload = new JsonObject();
        foreach (var key in (string[])["task_id", "subtask_id", "prompt", "task_title", "git_url", "branch_name", "new_session", "bot", "attachments", "user",
                     "workspace", "system_prompt", "skill_names", "skill_refs", "mcp_servers", "model_config"])
        {
            if (random.Next(6) == 0) continue;
            payload[key] = key switch
            {
                "task_id" or "subtask_id" when random.Next(3) > 0 => 1_000_000 + (index * 2) + (key == "task_id" ? random.Next(5) : 0),
                "prompt" when random.Next(4) == 0 => new JsonArray(
                    new JsonObject { ["type"] = "input_text", ["text"] = Text(random) },
                    new JsonObject { ["type"] = OddValue(random, 0), ["image_url"] = OddValue(random, 0) },
                    new JsonObject { ["type"] = "input_image", ["image_url"] = "data:image/png;base64,iVBORw0KGgo=" },
                    OddValue(random, 0)),
                "prompt" when random.Next(3) > 0 => Text(random),
                "workspace" when random.Next(2) == 0 => new JsonObject { ["repository"] = new JsonObject { ["gitUrl"] = OddValue(random, 0) }, ["branch"] = OddValue(random, 0) },
                "skill_refs" or "mcp_servers" when random.Next(2) == 0 => new JsonObject { ["x"] = new JsonObject { ["skill_id"] = OddValue(random, 0), ["name"] = OddValue(random, 0) } },
                "bot" when random.Next(2) == 0 => new JsonArray(new JsonObject { ["agent_config"] = OddValue(random, 0), ["skills"] = OddValue(random, 0) }),
                _ => OddValue(random, depth: 0),
            };
        }

        return (eventName, payload);
    }

    private static JsonNode? OddValue(Random random, int depth) => random.Next(depth > 20 ? 8 : 11) switch
    {
        0 => null,
        1 => -random.Next(),
        2 => random.NextDouble() * 1e18,
        3 => Text(random),
        4 => "../../../../etc/passwd",
        5 => true,
        6 => "1; rm -rf /",
        7 => string.Concat(Enumerable.Repeat("\u0000\u202e😀", random.Next(1, 50))),
        8 => new JsonArray(OddValue(random, depth + 1), OddValue(random, depth + 1)),
        9 => new JsonObject { ["nested"] = OddValue(random, depth + 1), ["env"] = OddValue(random, depth + 1) },
        _ => NestedDeeply(random.Next(2, 60)),
    };

    private static JsonNode NestedDeeply(int depth)
    {
        JsonNode node = new JsonObject();
        for (var i = 0; i < depth; i++) node = new JsonArray(node);
        return node;
    }

    private static string Text(Random random) => random.Next(4) switch
    {
        0 => new string('x', random.Next(0, 200_000)),
        1 => "C:\\Windows\\..\\" + random.Next(),
        2 => "[attachment:../../x]",
        _ => "Write hello.py",
    };

    /// <summary>Succeeds at once with a little text, as a well-behaved agent would.</summary>
    private sealed class InstantAgent : IAgent
    {
        public Task<AgentOutcome> RunAsync(AgentRequest request, IAgentObserver observer, CancellationToken cancellationToken)
        {
            observer.OnEvent(new AgentTextDelta("done"));
            return Task.FromResult(new AgentOutcome(AgentOutcomeStatus.Succeeded, "done", null));
        }
    }
}
