using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Wegent.Executor.Connection;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tests.Connection.SocketIo;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Connection;

/// <summary>What this executor sends at register and heartbeat, checked with pydantic against the device schemas of both
/// backend generations (backend_device_schemas.py): the January backend must still accept it, and the current one must
/// accept every capacity, including the edges that would fail a whole heartbeat there.</summary>
public sealed class BackendDeviceSchemaTests
{
    private static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "Connection", "backend_device_schemas.py");

    [PydanticFact]
    public async Task Registrations_and_heartbeats_are_accepted_by_the_January_and_the_current_backend()
    {
        var (register, heartbeat) = await SentBySessionAsync();
        JsonNode[] registrations =
        [
            register,
            ProtocolJson.ToNode(ExecutorSessionTests.Registration with { ExecutorVersion = "1.0.0-preview.20261206.123456789+0123456789abcdef0123456789abcdef" }),
        ];
        JsonNode[] heartbeats =
        [
            heartbeat,
            Heartbeat(RuntimeCapacity.Observe(4, [], 0)),
            // Several subtasks of one task.
            Heartbeat(RuntimeCapacity.Observe(2, [5, 5, 5], 0)),
            // More running than the backend's bound of 20, and a limit above it.
            Heartbeat(RuntimeCapacity.Observe(64, Enumerable.Range(1, 25).Select(i => (long)i), 3)),
            Heartbeat(RuntimeCapacity.Observe(0, [9], -1)),
        ];

        var verdicts = await ValidateAsync(registrations, heartbeats);

        foreach (var (payload, verdict) in registrations.Concat(heartbeats).Zip(verdicts))
        {
            Assert.True(verdict["january"] is null, $"January backend refused {payload.ToJsonString()}: {verdict["january"]}");
            Assert.True(verdict["current"] is null, $"Current backend refused {payload.ToJsonString()}: {verdict["current"]}");
        }
    }

    [PydanticFact]
    public async Task The_check_itself_refuses_what_the_current_backend_refuses()
    {
        JsonNode[] registrations = [JsonNode.Parse($$"""{"device_id":"d","name":"n","executor_version":"{{new string('1', 51)}}"}""")!];
        JsonNode[] heartbeats =
        [
            JsonNode.Parse("""{"device_id":"d","runtime_capacity":{"limit":4,"active":2,"active_task_ids":["7"],"queued":0}}""")!,
            JsonNode.Parse("""{"device_id":"d","runtime_capacity":{"limit":21,"active":0,"active_task_ids":[],"queued":0}}""")!,
            JsonNode.Parse("""{"device_id":"d","runtime_capacity":{"limit":4,"active":1,"active_task_ids":[7],"queued":0}}""")!,
            JsonNode.Parse("""{"device_id":"d","runtime_instance_id":""}""")!,
        ];

        var verdicts = await ValidateAsync(registrations, heartbeats);

        Assert.All(verdicts, verdict => Assert.NotNull(verdict["current"]));
        Assert.All(verdicts, verdict => Assert.Null(verdict["january"]));
    }

    private static JsonNode Heartbeat(RuntimeCapacity capacity) =>
        ProtocolJson.ToNode(new DeviceHeartbeat("hw-3f9a0c1b2d4e", capacity.ActiveTaskIds.Select(id => long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)).ToArray(), "runtime-1", capacity));

    /// <summary>The registration and first heartbeat a session sends with two tasks running and one queued.</summary>
    private static async Task<(JsonNode Register, JsonNode Heartbeat)> SentBySessionAsync()
    {
        var connection = new FakeSocketIoConnection();
        using var stop = new CancellationTokenSource();
        var session = new ExecutorSession(new FakeSocketIoFactory(_ => connection),
            new ExecutorSessionOptions { BackendUrl = new Uri("http://127.0.0.1:1"), Token = "tok", MaxConcurrentTasks = 4 },
            ExecutorSessionTests.Registration, new FakeTimeProvider(), new TestLog().Logger);
        var running = session.RunAsync(new BusyHandler(), stop.Token);
        await Wait.UntilAsync(() => connection.Calls.Any(call => call.Event == KnownEvents.DeviceHeartbeat), "the first heartbeat");
        await stop.CancelAsync();
        await running;
        return (connection.Calls.First(call => call.Event == KnownEvents.DeviceRegister).Payload!,
            connection.Calls.First(call => call.Event == KnownEvents.DeviceHeartbeat).Payload!);
    }

    private static async Task<IReadOnlyList<JsonObject>> ValidateAsync(JsonNode[] registrations, JsonNode[] heartbeats)
    {
        var start = new ProcessStartInfo(PythonSocketIoServer.Python, [ScriptPath])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var input = new JsonObject
        {
            ["register"] = new JsonArray([.. registrations.Select(payload => payload.DeepClone())]),
            ["heartbeat"] = new JsonArray([.. heartbeats.Select(payload => payload.DeepClone())]),
        };
        await process.StandardInput.WriteAsync(input.ToJsonString());
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Wait.DefaultTimeout);
        Assert.True(process.ExitCode == 0, await error);
        var verdicts = JsonNode.Parse(await output)!;
        return [.. verdicts["register"]!.AsArray().Concat(verdicts["heartbeat"]!.AsArray()).Select(verdict => verdict!.AsObject())];
    }

    private sealed class BusyHandler : IBackendEventHandler
    {
        public IReadOnlyList<long> RunningTaskIds { get; } = [731, 800];

        public int QueuedCount => 1;

        public void Handle(string eventName, JsonNode? payload, BackendCallReply? reply = null)
        {
        }
    }
}

/// <summary>A fact that needs Python with pydantic; skipped, with the reason, where it is not installed.</summary>
internal sealed class PydanticFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> LazyUnavailableReason = new(() =>
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(PythonSocketIoServer.Python, ["-c", "import pydantic"])
            {
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"{PythonSocketIoServer.Python} cannot import pydantic (set WEGENT_PYTHON): {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{PythonSocketIoServer.Python} cannot be started (set WEGENT_PYTHON): {e.Message}";
        }
    });

    public PydanticFactAttribute()
    {
        if (LazyUnavailableReason.Value is { } reason) Skip = reason;
    }
}
