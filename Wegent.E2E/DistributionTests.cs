using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Wegent.E2E.Infrastructure;

namespace Wegent.E2E;

/// <summary>The executor as users get it: the dotnet tool package, the single-file binary, behind a proxy, --once.</summary>
public sealed partial class DistributionTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(8);

    /// <summary>The one place the version is written down.</summary>
    private static string PropsVersion() =>
        VersionElement().Match(File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "Directory.Build.props"))).Groups[1].Value;

    /// <summary>scripts/pack makes one package per platform plus the one `dotnet tool install` resolves first; on this
    /// machine's platform the tool is Native AOT (no assemblies next to the command, no .NET start-up).</summary>
    [BinaryFact]
    public async Task The_packed_dotnet_tool_installs_from_a_folder_as_native_code_shows_the_version_and_registers()
    {
        var work = Directory.CreateTempSubdirectory("wegent-e2e-pack-");
        try
        {
            var artifacts = Path.Combine(work.FullName, "artifacts");
            var tools = Path.Combine(work.FullName, "tools");
            var version = PropsVersion();
            var output = await RunToEndAsync(Path.Combine(TestEnvironment.RepositoryRoot, "scripts", "pack"), ["-o", artifacts], TestEnvironment.RepositoryRoot, BuildTimeout);
            Console.WriteLine(output.Split('\n').FirstOrDefault(l => l.StartsWith("Packed into", StringComparison.Ordinal)));
            string[] platforms = ["linux-x64", "linux-arm64", "osx-x64", "osx-arm64", "win-x64"];
            Assert.Equal(
                [$"wegent-executor.{version}.nupkg", .. platforms.Select(rid => $"wegent-executor.{rid}.{version}.nupkg").Order(StringComparer.Ordinal)],
                Directory.GetFiles(artifacts, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal));

            // From the temp folder, so the repository's package source mapping does not hide the local folder.
            await RunToEndAsync("dotnet", ["tool", "install", "wegent-executor", "--tool-path", tools, "--add-source", artifacts, "--version", version], work.FullName);
            var tool = Path.Combine(tools, OperatingSystem.IsWindows() ? "wegent-executor.exe" : "wegent-executor");
            var installed = new FileInfo(tool).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? tool;
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(installed)!, "*.dll"));
            Assert.Equal(version, (await RunToEndAsync(tool, ["--version"], work.FullName)).Trim());

            await using var backend = await DevBackend.StartAsync();
            await using var executor = StartExecutor(tool, backend.Url, Directory.CreateTempSubdirectory("wegent-e2e-tool-").FullName, []);
            var device = await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered");
            Assert.Equal(version, device["executor_version"]!.GetValue<string>());
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>.NET never sends loopback hosts (127.0.0.1, "localhost", other loopback addresses) through the environment proxy, so the
    /// backend is given a name only the proxy can resolve: reaching it at all proves the socket went through the proxy.</summary>
    [E2EFact]
    public async Task Once_through_an_HTTP_proxy_runs_one_task_delivers_it_and_exits_0()
    {
        await using var backend = await DevBackend.StartAsync();
        await using var proxy = ConnectProxy.Start(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [ProxiedBackendHost] = "127.0.0.1" });
        var home = Directory.CreateTempSubdirectory("wegent-e2e-once-");
        await using var executor = StartExecutor(TestEnvironment.ExecutorPath, $"http://{ProxiedBackendHost}:{backend.Port}", home.FullName, ["--once"],
            new Dictionary<string, string?>
            {
                ["HTTP_PROXY"] = proxy.Url,
                ["HTTPS_PROXY"] = proxy.Url,
                // The scripted model is on 127.0.0.1; the agent must reach it directly.
                ["NO_PROXY"] = "127.0.0.1,localhost",
            });
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered");

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Say it back", ["scenario"] = "echo" });
        var exitCode = await executor.Process.WaitForExitAsync();

        Assert.Equal(0, exitCode);
        var subtask = await backend.Api.SubtaskAsync(taskId, subtaskId);
        Assert.Equal("COMPLETED", subtask["status"]!.GetValue<string>());
        Assert.Equal(1, subtask["complete_count"]!.GetValue<int>());
        Assert.Contains($"{ProxiedBackendHost}:{backend.Port}", proxy.Tunnels);
    }

    [BinaryFact]
    public async Task Build_local_makes_a_single_file_binary_that_registers()
    {
        var started = DateTime.UtcNow;
        var output = await RunToEndAsync(Path.Combine(TestEnvironment.RepositoryRoot, "scripts", "build-local"), [], TestEnvironment.RepositoryRoot, BuildTimeout);
        var binary = Path.Combine(TestEnvironment.RepositoryRoot, "dist", OperatingSystem.IsWindows() ? "wegent-executor.exe" : "wegent-executor");
        Console.WriteLine($"scripts/build-local took {(DateTime.UtcNow - started).TotalSeconds:0} s: {output.Split('\n').Last(l => l.Length > 0)}");

        Assert.Equal(PropsVersion(), (await RunToEndAsync(binary, ["--version"], TestEnvironment.RepositoryRoot)).Trim());
        await using var backend = await DevBackend.StartAsync();
        var home = Directory.CreateTempSubdirectory("wegent-e2e-binary-");
        await using var executor = StartExecutor(binary, backend.Url, home.FullName, []);
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered");
    }

    private const string ProxiedBackendHost = "wegent-backend.test";

    private static RunningExecutor StartExecutor(string executable, string backendUrl, string userHome, string[] arguments,
        Dictionary<string, string?>? extra = null)
    {
        var home = Path.Combine(userHome, ".wegent-executor");
        Directory.CreateDirectory(home);
        var deviceId = "e2e-" + Guid.NewGuid().ToString("N")[..12];
        File.WriteAllText(Path.Combine(home, "device_id"), deviceId);
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = userHome,
            ["WEGENT_BACKEND_URL"] = backendUrl,
            ["WEGENT_AUTH_TOKEN"] = DevBackend.DefaultToken,
            ["WEGENT_EXECUTOR_HOME"] = home,
            ["WEGENT_CLAUDE_CLI"] = TestEnvironment.ClaudeCli,
            ["CLAUDE_CODE_TMPDIR"] = userHome,
            ["LOCAL_HEARTBEAT_INTERVAL"] = "1",
            ["LOG_LEVEL"] = "DEBUG",
            ["ANTHROPIC_API_KEY"] = null,
            ["ANTHROPIC_AUTH_TOKEN"] = null,
            ["HTTP_PROXY"] = null,
            ["HTTPS_PROXY"] = null,
            ["ALL_PROXY"] = null,
            ["NO_PROXY"] = null,
        };
        foreach (var (key, value) in extra ?? []) environment[key] = value;
        return new RunningExecutor(ManagedProcess.Start("executor", executable, arguments, userHome, environment), deviceId, userHome);
    }

    private static async Task<string> RunToEndAsync(string fileName, string[] arguments, string workingDirectory, TimeSpan? timeout = null)
    {
        await using var process = ManagedProcess.Start(Path.GetFileName(fileName), fileName, arguments, workingDirectory,
            new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
        var exitCode = await process.WaitForExitAsync(timeout ?? BuildTimeout);
        Assert.True(exitCode == 0, $"{fileName} {string.Join(' ', arguments)} exited {exitCode}:\n{process.Output}");
        return process.Output;
    }

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();

    private sealed class RunningExecutor(ManagedProcess process, string deviceId, string userHome) : IAsyncDisposable
    {
        public ManagedProcess Process { get; } = process;

        public string DeviceId { get; } = deviceId;

        public async ValueTask DisposeAsync()
        {
            await Process.DisposeAsync();
            ProcessScan.KillUnder(userHome);
            try
            {
                Directory.Delete(userHome, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>Runs only when WEGENT_TEST_BINARY=1 (scripts/test sets it): native builds take minutes.</summary>
public sealed class BinaryFactAttribute : FactAttribute
{
    public BinaryFactAttribute()
    {
        Timeout = (int)TimeSpan.FromMinutes(10).TotalMilliseconds;
        if (Environment.GetEnvironmentVariable("WEGENT_TEST_BINARY") != "1") Skip = "Set WEGENT_TEST_BINARY=1 to build and run the native binary and tool packages (scripts/build-local, scripts/pack).";
    }
}

/// <summary>A loopback HTTP proxy that only tunnels (CONNECT), resolving host names from its own table, and records each tunnel.</summary>
internal sealed class ConnectProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyDictionary<string, string> _hosts;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _tunnels = [];
    private Task _accepting = Task.CompletedTask;

    private ConnectProxy(IReadOnlyDictionary<string, string> hosts) => _hosts = hosts;

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public IReadOnlyList<string> Tunnels
    {
        get
        {
            lock (_tunnels) return _tunnels.ToArray();
        }
    }

    public static ConnectProxy Start(IReadOnlyDictionary<string, string> hosts)
    {
        var proxy = new ConnectProxy(hosts);
        proxy._listener.Start();
        proxy._accepting = proxy.AcceptAsync();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => TunnelAsync(client));
        }
    }

    private async Task TunnelAsync(TcpClient client)
    {
        using (client)
        {
            var downstream = client.GetStream();
            var header = await ReadHeaderAsync(downstream);
            var requestLine = header.Split("\r\n")[0].Split(' ');
            if (requestLine is not ["CONNECT", var target, _])
            {
                await downstream.WriteAsync("HTTP/1.1 405 Only CONNECT\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
                lock (_tunnels) _tunnels.Add("refused: " + string.Join(' ', requestLine));
                return;
            }

            lock (_tunnels) _tunnels.Add(target);
            var colon = target.LastIndexOf(':');
            var host = _hosts.GetValueOrDefault(target[..colon], target[..colon]);
            using var upstreamClient = new TcpClient();
            await upstreamClient.ConnectAsync(host, int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            await downstream.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray());
            var upstream = upstreamClient.GetStream();
            await Task.WhenAny(downstream.CopyToAsync(upstream, _stop.Token), upstream.CopyToAsync(downstream, _stop.Token));
        }
    }

    private static async Task<string> ReadHeaderAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (!(bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0) break;
            bytes.Add(one[0]);
        }

        return Encoding.ASCII.GetString(bytes.ToArray());
    }
}
