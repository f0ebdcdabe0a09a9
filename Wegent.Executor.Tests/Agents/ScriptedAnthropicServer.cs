using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wegent.Executor.Tests.Agents;

/// <summary>
/// The least of the Anthropic Messages API the Claude Code CLI needs, on 127.0.0.1: <c>HEAD /</c> and a streamed
/// <c>POST /v1/messages</c> with named SSE events. The first turn answers <see cref="FirstToolUse"/> when set (else
/// text); a turn whose last user message holds a tool_result answers <see cref="FinalText"/>.
/// </summary>
internal sealed class ScriptedAnthropicServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _serving;

    public ScriptedAnthropicServer()
    {
        (_listener, var port) = FreePort.StartHttpListener();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _serving = ServeAsync();
    }

    public string BaseUrl { get; }

    public string FinalText { get; init; } = "Hello from the scripted model.";

    /// <summary>The <c>system</c> field of the newest model request, as JSON.</summary>
    public string? LastSystem { get; private set; }

    /// <summary>(tool name, input JSON) answered to the first turn.</summary>
    public (string Name, string InputJson)? FirstToolUse { get; init; }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving.ConfigureAwait(false);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var response = context.Response;
        if (context.Request.HttpMethod != "POST" || !context.Request.Url!.AbsolutePath.EndsWith("/v1/messages", StringComparison.Ordinal))
        {
            response.StatusCode = 200;
            return;
        }

        using var body = new StreamReader(context.Request.InputStream);
        var request = JsonNode.Parse(await body.ReadToEndAsync())!;
        LastSystem = request["system"]?.ToJsonString();
        response.ContentType = "text/event-stream";
        var sse = new StringBuilder();
        Event(sse, "message_start", new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = "msg_scripted",
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = "scripted-model",
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = 10, ["output_tokens"] = 1 },
            },
        });
        string stopReason;
        if (FirstToolUse is { } tool && !LastUserTurnHasToolResult(request))
        {
            Block(sse, new JsonObject { ["type"] = "tool_use", ["id"] = "toolu_scripted", ["name"] = tool.Name, ["input"] = new JsonObject() },
                new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = tool.InputJson });
            stopReason = "tool_use";
        }
        else
        {
            Block(sse, new JsonObject { ["type"] = "text", ["text"] = "" }, new JsonObject { ["type"] = "text_delta", ["text"] = FinalText });
            stopReason = "end_turn";
        }

        Event(sse, "message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = stopReason, ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = 5 },
        });
        Event(sse, "message_stop", new JsonObject { ["type"] = "message_stop" });
        var bytes = Encoding.UTF8.GetBytes(sse.ToString());
        await response.OutputStream.WriteAsync(bytes);
    }

    private static bool LastUserTurnHasToolResult(JsonNode request)
    {
        var last = request["messages"]!.AsArray().LastOrDefault(m => (string?)m!["role"] != "system");
        return last?["content"] is JsonArray blocks && blocks.Any(b => (string?)b?["type"] == "tool_result");
    }

    private static void Block(StringBuilder sse, JsonObject start, JsonObject delta)
    {
        Event(sse, "content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = start });
        Event(sse, "content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = delta });
        Event(sse, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
    }

    private static void Event(StringBuilder sse, string name, JsonObject data) =>
        sse.Append("event: ").Append(name).Append("\ndata: ").Append(data.ToJsonString(JsonSerializerOptions.Default)).Append("\n\n");
}
