using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Wegent.Executor.Agents;

/// <summary>
/// Turns the CLI's <c>--output-format stream-json --verbose</c> stdout, one line at a time, into <see cref="AgentEvent"/>s
/// and the final <see cref="ClaudeCodeResult"/>. Tolerant: lines that are not JSON objects, and types it does not know,
/// produce nothing (the former are kept, bounded, for diagnostics).
/// </summary>
/// <remarks>
/// Text rule: every assistant text block is one paragraph; the second and later blocks of a run start with a blank line
/// ("\n\n"), so the concatenated deltas read like the CLI's own output. With <c>--include-partial-messages</c> the text
/// arrives as <c>stream_event</c> deltas and the finished <c>assistant</c> line repeats it: a message whose text was
/// streamed contributes no text again. The model's reasoning (thinking blocks) follows the same rules as
/// <see cref="AgentReasoningDelta"/>s. Sub-agent output (a non-null <c>parent_tool_use_id</c>) is not the answer.
/// </remarks>
internal sealed class StreamJsonReader
{
    public const int MaxSummaryLength = 500;
    private const int MaxIgnoredLines = 20;
    private const string ParagraphSeparator = "\n\n";

    private readonly Queue<string> _ignoredLines = new();
    private readonly HashSet<string> _streamedMessages = [];
    private readonly HashSet<string> _streamedReasoning = [];
    private string? _streamingMessage;
    private bool _textSeen;
    private bool _reasoningSeen;
    private bool _blockStarting;
    private string? _streamedStopReason;

    public string? SessionId { get; private set; }
    public ClaudeCodeResult? Result { get; private set; }

    /// <summary>The newest top-level message ended its turn (<c>stop_reason</c> "end_turn"): the model was done, even if
    /// the result line that follows never arrives (the CLI can lose the end of a large output on a pipe).</summary>
    public bool TurnFinished { get; private set; }

    /// <summary>Why the model's last top-level message stopped (<c>end_turn</c>, <c>max_tokens</c>, ...): the result
    /// line's <c>stop_reason</c> when it has one, else the last streamed <c>message_delta</c>'s; null when neither said.</summary>
    public string? StopReason => Result?.StopReason ?? _streamedStopReason;

    /// <summary>The last few stdout lines that were not JSON objects (e.g. a Node warning), for error messages.</summary>
    public IReadOnlyCollection<string> IgnoredLines => _ignoredLines;

    public IReadOnlyList<AgentEvent> Read(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return [];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            KeepIgnored(line);
            return [];
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                KeepIgnored(line);
                return [];
            }

            return String(root, "type") switch
            {
                "system" => ReadSystem(root),
                "assistant" when !IsSubAgent(root) => ReadAssistant(root),
                "stream_event" when !IsSubAgent(root) => ReadStreamEvent(root),
                "user" => ReadUser(root),
                "result" => ReadResult(root),
                _ => [],
            };
        }
    }

    private List<AgentEvent> ReadSystem(JsonElement root)
    {
        switch (String(root, "subtype"))
        {
            case "init":
                var sessionId = String(root, "session_id");
                if (sessionId is null)
                {
                    return [];
                }

                SessionId = sessionId;
                return [new AgentSessionStarted(sessionId, String(root, "model"))];
            case "api_retry":
                var attempt = root.TryGetProperty("attempt", out var a) && a.TryGetInt32(out var n) ? n : 0;
                return [new AgentApiRetry(attempt, ScalarText(root, "error_status"))];
            default:
                return [];
        }
    }

    private List<AgentEvent> ReadStreamEvent(JsonElement root)
    {
        if (!root.TryGetProperty("event", out var streamEvent) || streamEvent.ValueKind != JsonValueKind.Object) return [];
        switch (String(streamEvent, "type"))
        {
            case "message_start":
                TurnFinished = false;
                _streamingMessage = streamEvent.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
                    ? String(message, "id")
                    : null;
                return [];
            case "content_block_start":
                _blockStarting = true;
                return [];
            case "message_delta":
                var stopReason = streamEvent.TryGetProperty("delta", out var messageDelta) && messageDelta.ValueKind == JsonValueKind.Object
                    ? String(messageDelta, "stop_reason")
                    : null;
                TurnFinished = stopReason == "end_turn";
                _streamedStopReason = stopReason ?? _streamedStopReason;
                return [];
            case "content_block_delta" when streamEvent.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object:
                return String(delta, "type") switch
                {
                    "text_delta" when String(delta, "text") is { Length: > 0 } text =>
                        [new AgentTextDelta(StreamedPiece(text, ref _textSeen, _streamedMessages))],
                    "thinking_delta" when String(delta, "thinking") is { Length: > 0 } thinking =>
                        [new AgentReasoningDelta(StreamedPiece(thinking, ref _reasoningSeen, _streamedReasoning))],
                    _ => [],
                };
            default:
                return [];
        }
    }

    /// <summary>A streamed piece of answer or reasoning: the first piece of a later block starts a new paragraph, and the
    /// message is noted as streamed so its finished line does not repeat it.</summary>
    private string StreamedPiece(string piece, ref bool seen, HashSet<string> streamedMessages)
    {
        var separate = _blockStarting && seen;
        _blockStarting = false;
        seen = true;
        if (_streamingMessage is not null) streamedMessages.Add(_streamingMessage);
        return separate ? ParagraphSeparator + piece : piece;
    }

    private List<AgentEvent> ReadAssistant(JsonElement root)
    {
        var events = new List<AgentEvent>();
        var id = root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object ? String(message, "id") : null;
        var alreadyStreamed = id is not null && _streamedMessages.Contains(id);
        var reasoningStreamed = id is not null && _streamedReasoning.Contains(id);
        foreach (var block in ContentBlocks(root))
        {
            switch (String(block, "type"))
            {
                // A streamed message's text is not even read: it can be the whole (large) answer again.
                case "text" when !alreadyStreamed:
                    var text = String(block, "text");
                    if (string.IsNullOrEmpty(text))
                    {
                        break;
                    }

                    events.Add(new AgentTextDelta(_textSeen ? ParagraphSeparator + text : text));
                    _textSeen = true;
                    break;
                case "thinking" when !reasoningStreamed && String(block, "thinking") is { Length: > 0 } thinking:
                    events.Add(new AgentReasoningDelta(_reasoningSeen ? ParagraphSeparator + thinking : thinking));
                    _reasoningSeen = true;
                    break;
                case "tool_use":
                    var hasInput = block.TryGetProperty("input", out var input);
                    events.Add(new AgentToolUse(String(block, "id") ?? "", String(block, "name") ?? "", Shorten(hasInput ? input.GetRawText() : "{}"))
                    {
                        InputJson = hasInput ? ShortenedObject(input) : null,
                    });
                    break;
            }
        }

        return events;
    }

    private static List<AgentEvent> ReadUser(JsonElement root)
    {
        var events = new List<AgentEvent>();
        foreach (var block in ContentBlocks(root))
        {
            if (String(block, "type") != "tool_result")
            {
                continue;
            }

            var isError = block.TryGetProperty("is_error", out var e) && e.ValueKind == JsonValueKind.True;
            var output = block.TryGetProperty("content", out var c) ? ToolResultText(c) : "";
            events.Add(new AgentToolResult(String(block, "tool_use_id") ?? "", Shorten(output), isError));
        }

        return events;
    }

    private List<AgentEvent> ReadResult(JsonElement root)
    {
        Result = new ClaudeCodeResult(
            IsError: root.TryGetProperty("is_error", out var e) && e.ValueKind == JsonValueKind.True,
            Subtype: String(root, "subtype"),
            Text: String(root, "result"))
        {
            SessionId = String(root, "session_id"),
            NumTurns = root.TryGetProperty("num_turns", out var t) && t.TryGetInt32(out var turns) ? turns : null,
            DurationMs = root.TryGetProperty("duration_ms", out var d) && d.TryGetInt64(out var ms) ? ms : null,
            TotalCostUsd = root.TryGetProperty("total_cost_usd", out var c) && c.TryGetDouble(out var cost) ? cost : null,
            UsageJson = root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object ? u.GetRawText() : null,
            StopReason = String(root, "stop_reason"),
            PermissionDenials = root.TryGetProperty("permission_denials", out var p) && p.ValueKind == JsonValueKind.Array
                ? p.GetArrayLength()
                : 0,
        };
        SessionId ??= Result.SessionId;
        return [];
    }

    /// <summary>A tool input object with every long value shortened (nested ones as their JSON text), as JSON; null
    /// when the input is not an object.</summary>
    private static string? ShortenedObject(JsonElement input)
    {
        const int MaxProperties = 50;
        if (input.ValueKind != JsonValueKind.Object) return null;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var count = 0;
            foreach (var property in input.EnumerateObject())
            {
                if (++count > MaxProperties) break;
                writer.WritePropertyName(property.Name);
                var value = property.Value;
                if (value.ValueKind == JsonValueKind.String) writer.WriteStringValue(Shorten(value.GetString() ?? ""));
                else if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && value.GetRawText() is { Length: > MaxSummaryLength } raw) writer.WriteStringValue(Shorten(raw));
                else value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static bool IsSubAgent(JsonElement root) =>
        root.TryGetProperty("parent_tool_use_id", out var parent) && parent.ValueKind == JsonValueKind.String;

    private void KeepIgnored(string line)
    {
        if (_ignoredLines.Count == MaxIgnoredLines)
        {
            _ignoredLines.Dequeue();
        }

        _ignoredLines.Enqueue(Shorten(line));
    }

    private static IEnumerable<JsonElement> ContentBlocks(JsonElement root) =>
        root.TryGetProperty("message", out var message)
        && message.ValueKind == JsonValueKind.Object
        && message.TryGetProperty("content", out var content)
        && content.ValueKind == JsonValueKind.Array
            ? content.EnumerateArray().Where(b => b.ValueKind == JsonValueKind.Object).ToList()
            : [];

    /// <summary>A tool result's content is either a string or a list of blocks; only the text blocks are kept.</summary>
    private static string ToolResultText(JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString() ?? "";
            case JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (var block in content.EnumerateArray())
                {
                    if (block.ValueKind == JsonValueKind.Object && String(block, "type") == "text")
                    {
                        text.Append(text.Length > 0 ? "\n" : "").Append(String(block, "text"));
                    }
                }

                return text.ToString();
            default:
                return "";
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A string or number as text (error_status is an HTTP status number, or null for a network error).</summary>
    private static string? ScalarText(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    internal static string Shorten(string text)
    {
        if (text.Length <= MaxSummaryLength)
        {
            return text;
        }

        var keep = MaxSummaryLength - 1;
        if (char.IsHighSurrogate(text[keep - 1]))
        {
            keep--; // never cut a surrogate pair in half
        }

        return string.Concat(text.AsSpan(0, keep), "…");
    }
}
