using Wegent.Executor.Agents;

namespace Wegent.Executor.Tests.Agents;

public sealed class StreamJsonReaderTests
{
    [Fact]
    public void Recorded_successful_run_with_a_tool_gives_session_text_tool_events_and_result()
    {
        var (reader, events) = ReadFixture("recorded-success-with-tool.jsonl");

        Assert.Equal(
            [
                new AgentSessionStarted("c7ae2774-2f7e-4380-8f74-e1414bacffa6", "claude-opus-4-8[1m]"),
                new AgentTextDelta("Running it."),
                new AgentToolUse("toolu_1", "Bash", """{"command":"echo hi","description":"say hi"}""")
                {
                    InputJson = """{"command":"echo hi","description":"say hi"}""",
                },
                new AgentToolResult("toolu_1", "hi", IsError: false),
                new AgentTextDelta("\n\nHello world"),
            ],
            events);
        var result = Assert.IsType<ClaudeCodeResult>(reader.Result);
        Assert.False(result.IsError);
        Assert.Equal("success", result.Subtype);
        Assert.Equal("Hello world", result.Text);
        Assert.Equal("c7ae2774-2f7e-4380-8f74-e1414bacffa6", result.SessionId);
        Assert.Equal(2, result.NumTurns);
        Assert.Equal(200, result.DurationMs);
        Assert.Equal(0.00035, result.TotalCostUsd);
        Assert.Equal(0, result.PermissionDenials);
        Assert.StartsWith("""{"input_tokens":20,""", result.UsageJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Recorded_connection_failure_is_an_error_result_with_subtype_success()
    {
        var (reader, events) = ReadFixture("recorded-connection-refused.jsonl");

        Assert.Contains(new AgentApiRetry(1, null), events);
        var result = Assert.IsType<ClaudeCodeResult>(reader.Result);
        Assert.True(result.IsError);
        Assert.Equal("success", result.Subtype);
        Assert.Equal("API Error: Unable to connect to API (ConnectionRefused)", result.Text);
    }

    [Fact]
    public void Malformed_and_non_object_lines_are_ignored_but_kept_for_diagnostics()
    {
        var reader = new StreamJsonReader();

        Assert.Empty(reader.Read("(node:42) Warning: something"));
        Assert.Empty(reader.Read("""{"type":"assistant","message":"""));
        Assert.Empty(reader.Read("[1,2]"));
        Assert.Empty(reader.Read(""));
        Assert.Empty(reader.Read("""{"type":"stream_event","event":{}}"""));

        Assert.Equal(["(node:42) Warning: something", """{"type":"assistant","message":""", "[1,2]"], reader.IgnoredLines);
        Assert.Null(reader.Result);
    }

    [Fact]
    public void Api_retry_with_a_numeric_status_reports_it_as_text()
    {
        var events = new StreamJsonReader().Read("""{"type":"system","subtype":"api_retry","attempt":3,"error_status":529}""");

        Assert.Equal([new AgentApiRetry(3, "529")], events);
    }

    [Fact]
    public void Tool_result_content_blocks_keep_only_their_text_and_error_flag()
    {
        var events = new StreamJsonReader().Read(
            """{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t9","is_error":true,"content":[{"type":"text","text":"line one"},{"type":"image"},{"type":"text","text":"line two"}]}]}}""");

        Assert.Equal([new AgentToolResult("t9", "line one\nline two", IsError: true)], events);
    }

    [Fact]
    public void Long_tool_input_is_shortened_with_an_ellipsis()
    {
        var content = new string('x', 2000);
        var events = new StreamJsonReader().Read(
            $$$"""{"type":"assistant","message":{"content":[{"type":"tool_use","id":"t1","name":"Write","input":{"content":"{{{content}}}"}}]}}""");

        var toolUse = Assert.IsType<AgentToolUse>(Assert.Single(events));
        Assert.Equal(StreamJsonReader.MaxSummaryLength, toolUse.InputSummary.Length);
        Assert.EndsWith("…", toolUse.InputSummary, StringComparison.Ordinal);
    }

    [Fact]
    public void Shortening_never_splits_a_surrogate_pair()
    {
        var text = new string('a', StreamJsonReader.MaxSummaryLength - 2) + "😀😀";

        var shortened = StreamJsonReader.Shorten(text);

        Assert.Equal(new string('a', StreamJsonReader.MaxSummaryLength - 2) + "…", shortened);
    }

    [Fact]
    public void Permission_denials_are_counted()
    {
        var reader = new StreamJsonReader();

        reader.Read("""{"type":"result","subtype":"success","is_error":false,"result":"ok","permission_denials":[{"tool_name":"Write"},{"tool_name":"Bash"}]}""");

        Assert.Equal(2, reader.Result?.PermissionDenials);
    }

    [Fact]
    public void Partial_messages_stream_text_deltas_and_the_finished_message_does_not_repeat_them()
    {
        var reader = new StreamJsonReader();
        string[] lines =
        [
            """{"type":"stream_event","event":{"type":"message_start","message":{"id":"msg_1","content":[]}},"parent_tool_use_id":null}""",
            """{"type":"stream_event","event":{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}},"parent_tool_use_id":null}""",
            """{"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}},"parent_tool_use_id":null}""",
            """{"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}},"parent_tool_use_id":null}""",
            """{"type":"assistant","message":{"id":"msg_1","content":[{"type":"text","text":"Hello"}]},"parent_tool_use_id":null}""",
            """{"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"sub-agent"}},"parent_tool_use_id":"toolu_9"}""",
            """{"type":"stream_event","event":{"type":"message_start","message":{"id":"msg_2","content":[]}},"parent_tool_use_id":null}""",
            """{"type":"stream_event","event":{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}},"parent_tool_use_id":null}""",
            """{"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Bye"}},"parent_tool_use_id":null}""",
            """{"type":"assistant","message":{"id":"msg_2","content":[{"type":"text","text":"Bye"}]},"parent_tool_use_id":null}""",
        ];

        var text = string.Concat(lines.SelectMany(reader.Read).OfType<AgentTextDelta>().Select(d => d.Text));

        Assert.Equal("Hello\n\nBye", text);
    }

    [Fact]
    public void Reasoning_streams_as_its_own_deltas_and_the_finished_message_does_not_repeat_it()
    {
        var reader = new StreamJsonReader();
        string[] lines =
        [
            """{"type":"stream_event","event":{"type":"message_start","message":{"id":"msg_1","content":[]}},"parent_tool_use_id":null}""",
            """{"type":"stream_event","event":{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}},"parent_tool_use_id":null}""",
            """{"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Plan "}},"parent_tool_use_id":null}""",
            """{"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"it."}},"parent_tool_use_id":null}""",
            """{"type":"stream_event","event":{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}},"parent_tool_use_id":null}""",
            """{"type":"stream_event","event":{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Done"}},"parent_tool_use_id":null}""",
            """{"type":"assistant","message":{"id":"msg_1","content":[{"type":"thinking","thinking":"Plan it.","signature":"x"},{"type":"text","text":"Done"}]},"parent_tool_use_id":null}""",
            """{"type":"assistant","message":{"id":"msg_2","content":[{"type":"thinking","thinking":"Check.","signature":"x"}]},"parent_tool_use_id":null}""",
        ];

        var events = lines.SelectMany(reader.Read).ToList();

        Assert.Equal("Plan it.\n\nCheck.", string.Concat(events.OfType<AgentReasoningDelta>().Select(d => d.Text)));
        Assert.Equal("Done", string.Concat(events.OfType<AgentTextDelta>().Select(d => d.Text)));
    }

    [Fact]
    public void A_tool_input_is_kept_as_an_object_with_long_values_shortened()
    {
        var reader = new StreamJsonReader();
        var content = new string('x', 2_000);

        var toolUse = reader.Read($$$"""{"type":"assistant","message":{"id":"m","content":[{"type":"tool_use","id":"toolu_1","name":"Write","input":{"file_path":"/w/a.py","content":"{{{content}}}","mode":1}}]}}""")
            .OfType<AgentToolUse>().Single();

        var input = System.Text.Json.Nodes.JsonNode.Parse(toolUse.InputJson!)!;
        Assert.Equal(("/w/a.py", 1), (input["file_path"]!.GetValue<string>(), input["mode"]!.GetValue<int>()));
        Assert.Equal(StreamJsonReader.MaxSummaryLength, input["content"]!.GetValue<string>().Length);
        Assert.Equal(StreamJsonReader.MaxSummaryLength, toolUse.InputSummary.Length);
    }

    private static (StreamJsonReader Reader, List<AgentEvent> Events) ReadFixture(string name)
    {
        var reader = new StreamJsonReader();
        var events = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Agents", "Fixtures", name))
            .SelectMany(reader.Read)
            .ToList();
        return (reader, events);
    }

    [Fact]
    public void A_turn_is_finished_only_after_a_top_level_message_ends_with_end_turn()
    {
        var reader = new StreamJsonReader();
        string Event(string json, string parent = "null") => $$"""{"type":"stream_event","event":{{json}},"parent_tool_use_id":{{parent}}}""";

        reader.Read(Event("""{"type":"message_start","message":{"id":"msg_1"}}"""));
        reader.Read(Event("""{"type":"message_delta","delta":{"stop_reason":"tool_use"}}"""));
        Assert.False(reader.TurnFinished);

        reader.Read(Event("""{"type":"message_start","message":{"id":"msg_2"}}"""));
        reader.Read(Event("""{"type":"message_delta","delta":{"stop_reason":"end_turn"}}"""));
        Assert.True(reader.TurnFinished);

        reader.Read(Event("""{"type":"message_start","message":{"id":"sub"}}""", "\"toolu_1\""));
        Assert.True(reader.TurnFinished);

        reader.Read(Event("""{"type":"message_start","message":{"id":"msg_3"}}"""));
        Assert.False(reader.TurnFinished);
    }

    [Fact]
    public void The_stop_reason_is_the_last_top_level_messages_unless_the_result_line_gives_one()
    {
        var reader = new StreamJsonReader();
        string Event(string json) => $$"""{"type":"stream_event","event":{{json}},"parent_tool_use_id":null}""";

        Assert.Null(reader.StopReason);
        reader.Read(Event("""{"type":"message_delta","delta":{"stop_reason":"tool_use"}}"""));
        reader.Read(Event("""{"type":"message_delta","delta":{"stop_reason":"max_tokens"}}"""));
        Assert.Equal("max_tokens", reader.StopReason);

        reader.Read("""{"type":"result","subtype":"success","is_error":false,"result":"x","stop_reason":"end_turn"}""");
        Assert.Equal("end_turn", reader.StopReason);
    }
}
