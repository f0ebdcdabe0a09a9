using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;
using ContainerWait = DotNet.Testcontainers.Builders.Wait;
using Wait = Wegent.Testing.Wait;

namespace Wegent.E2E.Infrastructure;

/// <summary>The dev backend built from backend/Dockerfile and run through Testcontainers with host networking, bound to
/// 127.0.0.1 on a free port; its own mounted scripted model (/scripted/...) is the model. Opt-in: WEGENT_E2E_BACKEND=container.</summary>
public sealed class ContainerBackend : IAsyncDisposable
{
    public const string ImageName = "wegent-dev-backend:e2e";

    /// <summary>The image scripts/setup-docker-offline makes (debootstrap + docker import); WEGENT_E2E_BASE_IMAGE overrides it.</summary>
    public static string BaseImage { get; } =
        Environment.GetEnvironmentVariable("WEGENT_E2E_BASE_IMAGE") is { Length: > 0 } image ? image : "wegent-python-base:bookworm";

    private static readonly Lazy<Task> ImageBuilt = new(BuildImageAsync);

    private readonly IContainer _container;

    private ContainerBackend(IContainer container, int port)
    {
        _container = container;
        Port = port;
        Api = new BackendApi(new Uri(Url), DevBackend.DefaultToken);
    }

    public int Port { get; }

    public string Token => DevBackend.DefaultToken;

    public string Url => $"http://127.0.0.1:{Port}";

    public BackendApi Api { get; }

    public static async Task<ContainerBackend> StartAsync()
    {
        await ImageBuilt.Value;
        var port = FreePort.OnLoopback();
        var url = $"http://127.0.0.1:{port}";
        var container = new ContainerBuilder(ImageName)
            .WithImagePullPolicy(PullPolicy.Never)
            // Host networking: the engine has no bridge, and nothing is published; the backend listens on loopback only.
            .WithCreateParameterModifier(parameters => parameters.HostConfig!.NetworkMode = "host")
            .WithEnvironment(new Dictionary<string, string>
            {
                ["WEGENT_DEV_TOKENS"] = DevBackend.DefaultToken,
                ["WEGENT_DEV_DB"] = "/data/dev.db",
                ["WEGENT_DEV_MODEL_URL"] = url,
            })
            .WithCommand("python3", "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--log-level", "warning")
            .WithWaitStrategy(ContainerWait.ForUnixContainer().AddCustomWaitStrategy(new HealthyOnLoopback(url + "/health"),
                strategy => strategy.WithTimeout(Wait.DefaultTimeout)))
            .Build();
        try
        {
            await container.StartAsync();
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            var (stdout, stderr) = await container.GetLogsAsync();
            await container.DisposeAsync();
            throw new InvalidOperationException($"The backend container did not become healthy at {url}:\n{stdout}{stderr}", ex);
        }

        return new ContainerBackend(container, port);
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await _container.DisposeAsync();
    }

    /// <summary>Built once per test run. Offline the base image must already exist (the engine would otherwise try a
    /// registry), and the build runs without a network: the base image has the packages, so pip is skipped.</summary>
    private static async Task BuildImageAsync()
    {
        // Testcontainers' client asks for a newer API than Debian's engine (20.10: 1.41) serves; negotiate like the docker CLI.
        if (Environment.GetEnvironmentVariable("DOCKER_API_VERSION") is not { Length: > 0 })
            Environment.SetEnvironmentVariable("DOCKER_API_VERSION", await DockerEngine.ApiVersionAsync());
        // Ryuk (the reaper container) would be pulled from a registry; every container here is disposed explicitly.
        TestcontainersSettings.ResourceReaperEnabled = false;
        if (!await DockerEngine.HasImageAsync(BaseImage))
            throw new InvalidOperationException($"The base image {BaseImage} is missing: run scripts/setup-docker-offline.");
        var image = new ImageFromDockerfileBuilder()
            .WithDockerfileDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "backend"))
            .WithDockerfile("Dockerfile")
            .WithBuildArgument("BASE_IMAGE", BaseImage)
            .WithName(ImageName)
            .WithCleanUp(false)
            .WithCreateParameterModifier(parameters => parameters.NetworkMode = "none")
            .Build();
        await image.CreateAsync();
    }

    /// <summary>Testcontainers' HTTP wait needs a mapped port; with host networking there is none, so poll loopback.</summary>
    private sealed class HealthyOnLoopback(string url) : IWaitUntil
    {
        private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

        public async Task<bool> UntilAsync(IContainer container)
        {
            if (container.State == TestcontainersStates.Exited) throw new InvalidOperationException("The backend container exited during start-up.");
            try
            {
                using var response = await Http.GetAsync(new Uri(url));
                return response.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }
    }
}

/// <summary>The Docker engine on its unix socket (DOCKER_HOST when it names one), asked directly so that a missing
/// engine is a quick skip, not a Testcontainers start-up failure.</summary>
public static class DockerEngine
{
    public static string SocketPath { get; } =
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { } host && host.StartsWith("unix://", StringComparison.Ordinal)
            ? host["unix://".Length..]
            : "/var/run/docker.sock";

    public static bool Answers()
    {
        try
        {
            var ping = Task.Run(async () =>
            {
                using var response = await Get("/_ping");
                return response.IsSuccessStatusCode;
            });
            return ping.Wait(TimeSpan.FromSeconds(3)) && ping.Result;
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    /// <summary>The newest API version the engine serves (the API-Version header of its ping).</summary>
    public static async Task<string> ApiVersionAsync()
    {
        using var response = await Get("/_ping");
        return response.Headers.GetValues("API-Version").Single();
    }

    public static async Task<bool> HasImageAsync(string name)
    {
        using var response = await Get("/images/" + Uri.EscapeDataString(name) + "/json");
        return response.StatusCode == HttpStatusCode.OK;
    }

    private static async Task<HttpResponseMessage> Get(string path)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancel);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        { Timeout = TimeSpan.FromSeconds(3) };
        // The host name is not used: the connection goes to the Unix socket.
        return await http.GetAsync(new Uri("http://engine.local" + path));
    }
}
