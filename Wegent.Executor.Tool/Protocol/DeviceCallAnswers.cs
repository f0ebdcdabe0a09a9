using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

/// <summary>The answers to the backend's device calls this executor has no feature for (PROTOCOL-RESPONSES.md section 9):
/// given at once in the shape the backend reads, so its caller gets a clear "not supported" instead of a timeout.</summary>
public static class DeviceCallAnswers
{
    /// <summary>The command that updates this executor (it never updates itself).</summary>
    public const string UpdateCommand = "dotnet tool update -g wegent-executor";

    public const string CapabilitySyncNotSupported = "capability sync is not supported by this executor";

    private static readonly string[] CapabilityLists = ["skills", "plugins", "mcps"];

    public static JsonObject Success() => new() { ["success"] = true };

    public static JsonObject Failure(string error) => new() { ["success"] = false, ["error"] = error };

    /// <summary>Nothing to install (every list empty or absent) is a success; anything else is refused.</summary>
    public static JsonObject SyncCapabilities(JsonNode? request) =>
        RequestedCapabilities(request) == 0
            ? new JsonObject { ["success"] = true, ["skills"] = new JsonArray(), ["plugins"] = new JsonArray(), ["mcps"] = new JsonArray(), ["errors"] = new JsonArray() }
            : Failure(CapabilitySyncNotSupported);

    /// <summary>How many skills, plugins and MCP servers a sync request asks for (a list that is not a list counts as one).</summary>
    public static int RequestedCapabilities(JsonNode? request) =>
        request is not JsonObject fields ? 1
            : CapabilityLists.Sum(name => fields[name] switch
            {
                null => 0,
                JsonArray list => list.Count,
                JsonValue value when value.GetValueKind() == JsonValueKind.Null => 0,
                _ => 1,
            });

    /// <summary>The refusal for a feature call, or null when <paramref name="eventName"/> is not one of them.</summary>
    public static JsonObject? Unsupported(string eventName) => eventName switch
    {
        KnownDeviceCalls.ExecuteCommand => new JsonObject
        {
            ["success"] = false,
            ["exit_code"] = null,
            ["stdout"] = "",
            ["stderr"] = "",
            ["duration"] = 0.0,
            ["timed_out"] = false,
            ["error"] = "device commands are not supported by this executor",
        },
        KnownDeviceCalls.RuntimeRpc => new JsonObject
        {
            ["success"] = false,
            ["code"] = "runtime_unavailable",
            ["error"] = "Runtime work handler is not available",
        },
        KnownDeviceCalls.StartTerminalSession or KnownDeviceCalls.StartCodeServerSession
            or KnownDeviceCalls.TerminalAttach or KnownDeviceCalls.TerminalInput
            or KnownDeviceCalls.TerminalResize or KnownDeviceCalls.TerminalClose =>
            Failure("terminal and code-server sessions are not supported by this executor"),
        KnownDeviceCalls.RunExtension => new JsonObject
        {
            ["success"] = false,
            ["message"] = "Extension handler is not available",
        },
        _ => null,
    };

    /// <summary>For a call no handler here knows: an error rather than a timeout on the backend's side.</summary>
    public static JsonObject UnknownCall(string eventName) => Failure($"wegent-executor does not handle '{eventName}'");

    /// <summary><c>device:upgrade_status</c> for an upgrade request: skipped, naming the command that updates the tool.</summary>
    public static JsonObject UpgradeSkipped(string deviceId) => new()
    {
        ["device_id"] = deviceId,
        ["status"] = "skipped",
        ["message"] = UpdateCommand,
    };
}
