using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

/// <summary>Keeps a result within the backend's maximum message size (PROTOCOL.md section 5.4): thinking details are
/// shortened first, then dropped oldest first, then whole oldest steps; the answer text itself is never cut.</summary>
public sealed class MessageSizeLimit(int maxMessageBytes = MessageSizeLimit.BackendMaxMessageBytes)
{
    public const int BackendMaxMessageBytes = 1_000_000;

    /// <summary>Room for the Socket.IO framing, the event name and the ack id around the payload.</summary>
    private const int FramingAllowance = 1_024;
    private const int ShortDetailLength = 200;

    public int PayloadBudget { get; } = maxMessageBytes - FramingAllowance;

    /// <summary>Returns a result that fits <paramref name="measure"/> within the budget, or null when even the bare
    /// answer text is too large.</summary>
    public TaskResult? Fit(TaskResult result, Func<TaskResult, int> measure)
    {
        if (measure(result) <= PayloadBudget) return result;

        var shortened = result with { Thinking = [.. result.Thinking.Select(ShortenDetails)] };
        if (measure(shortened) <= PayloadBudget) return shortened;

        var steps = shortened.Thinking.ToList();
        for (var i = 0; i < steps.Count; i++)
        {
            steps[i] = steps[i] with { Details = null };
            if (i % 16 == 15 || i == steps.Count - 1)
            {
                var candidate = shortened with { Thinking = steps.ToArray() };
                if (measure(candidate) <= PayloadBudget) return candidate;
            }
        }

        while (steps.Count > 0)
        {
            steps.RemoveRange(0, Math.Max(1, steps.Count / 4));
            var candidate = shortened with { Thinking = steps.ToArray() };
            if (measure(candidate) <= PayloadBudget) return candidate;
        }

        return null;
    }

    // Measured by counting what the serializer writes, with the wire's escaping, not by keeping it: a streaming
    // snapshot is measured several times a second and can be hundreds of kilobytes.
    public static int Measure(TaskProgressMessage message) => Count(message, ProtocolJsonContext.Default.TaskProgressMessage);

    public static int Measure(TaskCompleteMessage message) => Count(message, ProtocolJsonContext.Default.TaskCompleteMessage);

    /// <summary>The bytes <paramref name="write"/> puts on the wire, counted without keeping them.</summary>
    public static int Measure(Action<Utf8JsonWriter> write)
    {
        using var counter = new ByteCounter();
        using (var writer = new Utf8JsonWriter(counter, WireJson.WriterOptions))
        {
            write(writer);
        }

        return checked((int)counter.Length);
    }

    /// <summary>Whether a payload of <paramref name="bytes"/> (as <see cref="Measure(Action{Utf8JsonWriter})"/> counts
    /// them) fits one message.</summary>
    public bool Fits(int bytes) => bytes <= PayloadBudget;

    private static int Count<T>(T message, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        Measure(writer => JsonSerializer.Serialize(writer, message, typeInfo));

    private static ThinkingStep ShortenDetails(ThinkingStep step)
    {
        if (step.Details is null) return step;
        var details = new JsonObject();
        foreach (var (key, value) in step.Details)
        {
            details[key] = value is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? TextShortener.Shorten(v.GetValue<string>(), ShortDetailLength)
                : value?.ToJsonString() is { Length: > ShortDetailLength } json ? TextShortener.Shorten(json, ShortDetailLength) : value?.DeepClone();
        }

        return step with { Details = details };
    }
}

/// <summary>An output that keeps nothing but the number of bytes written to it; the writer gets one scratch buffer,
/// reused, big enough for its largest single request.</summary>
internal sealed class ByteCounter : IBufferWriter<byte>, IDisposable
{
    private byte[] _scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);

    public long Length { get; private set; }

    public void Advance(int count) => Length += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint).Span;

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_scratch);
        _scratch = [];
    }

    private Memory<byte> Scratch(int sizeHint)
    {
        if (sizeHint > _scratch.Length)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = ArrayPool<byte>.Shared.Rent(sizeHint);
        }

        return _scratch;
    }
}

public static class TextShortener
{
    /// <summary>Cuts text to at most <paramref name="maxLength"/> characters, saying how much was left out.</summary>
    public static string Shorten(string text, int maxLength) => text.Length <= maxLength ? text : Cut(text, text.Length, maxLength);

    /// <inheritdoc cref="Shorten(string, int)"/>
    public static string Shorten(AnswerText text, int maxLength) =>
        text.Length <= maxLength ? text.ToString() : Cut(text.Head(maxLength), text.Length, maxLength);

    /// <param name="head">At least the first <paramref name="maxLength"/> characters of the text.</param>
    private static string Cut(ReadOnlySpan<char> head, int length, int maxLength)
    {
        var marker = $"… [{length - maxLength} more characters]";
        var keep = Math.Max(0, maxLength - marker.Length);
        if (keep > 0 && char.IsHighSurrogate(head[keep - 1])) keep--;
        return string.Concat(head[..keep], marker);
    }
}
