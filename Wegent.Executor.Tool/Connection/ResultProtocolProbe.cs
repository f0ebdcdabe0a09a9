using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Connection;

/// <summary>The side-effect-free probe of PROTOCOL-RESPONSES.md section 10: after registering, call
/// <c>response.created</c> with <c>{}</c>. A backend that takes Responses-API results has a handler for it and answers an
/// error (<c>Missing task_id or subtask_id</c>); the January backend has none, and an event without a handler gets an
/// empty ack.</summary>
public static class ResultProtocolProbe
{
    public const string EventName = KnownResponseEvents.Created;

    /// <summary>Bounds the wait for the answer, and so how long readiness waits for it after a (re)connect.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    public static JsonObject Payload() => [];

    /// <returns>The verdict, or null when the answer says nothing either way.</returns>
    public static ResultProtocol? Read(JsonNode? answer) => answer switch
    {
        null => ResultProtocol.Legacy,
        JsonObject obj when obj.ContainsKey("error") || obj.ContainsKey("success") => ResultProtocol.Responses,
        JsonObject { Count: 0 } => ResultProtocol.Legacy,
        _ => null,
    };

    public static string Describe(ResultProtocol? verdict) => verdict switch
    {
        ResultProtocol.Responses => "Backend speaks Responses-API results",
        ResultProtocol.Legacy => "Backend speaks task:progress results",
        _ => $"The backend did not answer the result-protocol probe within {AnswerTimeout.TotalSeconds:0} s; each task's payload decides how its results are sent",
    };
}
