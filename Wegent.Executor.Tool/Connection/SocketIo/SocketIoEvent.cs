using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Connection.SocketIo;

/// <summary>An event from the server. <paramref name="Reply"/> is set when the server sent it as a call and waits for an
/// answer.</summary>
public sealed record SocketIoEvent(string Name, JsonNode? Payload, BackendCallReply? Reply = null);
