using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

/// <summary>The two generations of result events a Wegent backend takes (PROTOCOL-RESPONSES.md section 10).</summary>
public enum ResultProtocol
{
    /// <summary>January 2026: <c>task:progress</c> snapshots and <c>task:complete</c> (PROTOCOL.md).</summary>
    Legacy,

    /// <summary>Since February 2026: Responses-API events (<c>response.created</c>, deltas, one terminal event).</summary>
    Responses,
}

public static class ResultProtocols
{
    /// <summary>The generation a <c>task:execute</c> payload comes from: only a backend taking Responses-API results
    /// sends <c>model_config</c> or <c>collaboration_model</c> (PROTOCOL-RESPONSES.md section 10).</summary>
    public static ResultProtocol OfPayload(JsonObject payload) =>
        payload.ContainsKey("model_config") || payload.ContainsKey("collaboration_model") ? ResultProtocol.Responses : ResultProtocol.Legacy;

    /// <summary>The generation <paramref name="request"/>'s payload came from.</summary>
    public static ResultProtocol Generation(this TaskRequest request) =>
        request.FromResponsesApiBackend ? ResultProtocol.Responses : ResultProtocol.Legacy;

    public static ResultProtocol Other(this ResultProtocol protocol) =>
        protocol == ResultProtocol.Legacy ? ResultProtocol.Responses : ResultProtocol.Legacy;

    /// <summary>The name used in the setting, the outbox and logs.</summary>
    public static string Name(this ResultProtocol protocol) => protocol == ResultProtocol.Legacy ? "legacy" : "responses";

    public static ResultProtocol? Parse(string? name) => name switch
    {
        "legacy" => ResultProtocol.Legacy,
        "responses" => ResultProtocol.Responses,
        _ => null,
    };
}
