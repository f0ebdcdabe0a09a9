using System.Text.Json;
using System.Text.Json.Nodes;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Tests.Protocol;

public class MessageSizeLimitTests
{
    private static TaskCompleteMessage Message(string value, int steps, int detailLength) => new()
    {
        TaskId = 1,
        SubtaskId = 2,
        Status = KnownStatuses.Completed,
        Result = new TaskResult
        {
            Value = value,
            Thinking = Enumerable.Range(0, steps)
                .Select(i => new ThinkingStep($"step {i}", new JsonObject { ["output"] = new string('x', detailLength) }))
                .ToArray(),
        },
    };

    private static TaskResult? Fit(TaskCompleteMessage message) =>
        new MessageSizeLimit().Fit(message.Result, r => MessageSizeLimit.Measure(message with { Result = r }));

    [Fact]
    public void A_small_result_is_unchanged()
    {
        var message = Message("hello", 3, 10);

        Assert.Same(message.Result, Fit(message));
    }

    [Fact]
    public void Shortens_details_first_and_keeps_the_answer_and_every_step()
    {
        var message = Message("answer", 10, 200_000);

        var fitted = Fit(message)!;

        Assert.Equal("answer", fitted.Value);
        Assert.Equal(10, fitted.Thinking.Count);
        Assert.True(MessageSizeLimit.Measure(message with { Result = fitted }) < MessageSizeLimit.BackendMaxMessageBytes);
        Assert.Contains("more characters", fitted.Thinking[0].Details!["output"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Drops_oldest_details_then_oldest_steps_when_there_are_too_many()
    {
        var message = Message("answer", 20_000, 150);

        var fitted = Fit(message)!;

        Assert.Equal("answer", fitted.Value);
        Assert.True(MessageSizeLimit.Measure(message with { Result = fitted }) < MessageSizeLimit.BackendMaxMessageBytes);
        Assert.Equal("step 19999", fitted.Thinking[^1].Title);
    }

    [Fact]
    public void Counts_the_bytes_the_wire_carries_so_non_ascii_answers_get_the_whole_budget()
    {
        // 900,000 bytes of UTF-8; escaped as \uXXXX it would be 1,800,000 and be refused.
        var message = Message(new string('中', 300_000), 1, 10);

        using var frame = SocketIoPacket.EncodeEventFrame("/", null, "e", writer => JsonSerializer.Serialize(writer, message, ProtocolJsonContext.Default.TaskCompleteMessage));

        Assert.Equal(frame.Length - """42["e",]""".Length, MessageSizeLimit.Measure(message));
        Assert.Same(message.Result, Fit(message));
    }

    [Fact]
    public void Never_cuts_the_answer_itself()
    {
        var message = Message(new string('a', 1_100_000), 1, 10);

        Assert.Null(Fit(message));
    }

    [Fact]
    public void Shortening_keeps_surrogate_pairs_whole()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 400));

        var shortened = TextShortener.Shorten(text, 100);

        Assert.True(shortened.Length <= 100);
        Assert.False(char.IsHighSurrogate(shortened[shortened.IndexOf('…', StringComparison.Ordinal) - 1]));
    }
}
