using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;

namespace Wegent.AppHost;

/// <summary>The resources of a Wegent dev environment: the scripted model, the backend and this repository's executor,
/// wired together (URLs, a fresh secret token, a per-run executor home), each waiting for what it needs.</summary>
public static class WegentAppModel
{
    public const string Model = "model";
    public const string Backend = "backend";
    public const string Executor = "executor";
    public const string TokenParameter = "backend-token";

    /// <summary>Where the dev backend serves the live task view (backend/app/task_view).</summary>
    public const string LiveTasksPath = "/dev/tasks";

    public static WegentResources AddWegent(this IDistributedApplicationBuilder builder, AppHostOptions options, RepositoryLayout layout, TimeProvider time)
    {
        var runName = time.GetLocalNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + RandomHex(2);
        var run = options.RunDirectory ?? Path.Combine(layout.Root, ".dev", "apphost", runName);
        Directory.CreateDirectory(run);
        var tokenValue = options.Token ?? "dev-" + RandomHex(16);
        var token = builder.AddParameter(TokenParameter, () => tokenValue, secret: true);

        var model = options.ScriptedModel ? AddScriptedModel(builder, layout) : null;
        var backend = AddBackend(builder, options, layout, run, token, model);
        var backendLink = new BackendLink(backend.Url, tokenValue);
        if (options.UsesDevBackend) BackendCommands.AddTo(backend.Resource, backendLink);
        if (options.WithExecutor)
        {
            var deviceId = "apphost-" + runName;
            var home = Path.Combine(run, "executor-home");
            Directory.CreateDirectory(home);
            File.WriteAllText(Path.Combine(home, "device_id"), deviceId);
            var settings = new ExecutorResourceOptions(backend.Url, token, tokenValue, home, run, () => layout.ClaudeCli);
            var deviceCheck = options.UsesDevBackend ? new DeviceConnectedHealthCheck(backendLink, deviceId, time) : null;
            if (options.ExecutorBinary is { } binary)
            {
                ConfigureExecutor(builder.AddExecutable(Executor, binary, run).WithOtlpExporter(), settings, backend, model, deviceCheck, binary, []);
            }
            else
            {
                ConfigureExecutor(builder.AddProject<Projects.Wegent_Executor_Tool>(Executor), settings, backend, model, deviceCheck, "dotnet", ExecutorProject.RunArguments);
            }
        }

        string[] names = [.. new[] { model?.Resource.Name, Backend, options.WithExecutor ? Executor : null }.OfType<string>()];
        return new WegentResources(run, backendLink, names);
    }

    /// <summary>The scripted model (backend/app/scripted_model.py): the Anthropic API the agents use offline.</summary>
    public static IResourceBuilder<ExecutableResource> AddScriptedModel(IDistributedApplicationBuilder builder, RepositoryLayout layout) =>
        Uvicorn(AddDevApp(builder, Model, "app.scripted_model:app", layout));

    /// <summary>An app of this repository's backend/ under uvicorn, its info lines on stdout (uvicorn's own logging puts them
    /// on stderr, which the dashboard shows as errors).</summary>
    private static IResourceBuilder<ExecutableResource> AddDevApp(IDistributedApplicationBuilder builder, string name, string app, RepositoryLayout layout) =>
        builder.AddExecutable(name, layout.Python, layout.Backend, "-m", "uvicorn", app, "--log-config", Path.Combine(layout.Backend, "app", "uvicorn_logging.json"))
            .WithPrerequisite(Prerequisites.DevBackendPython(layout));

    private static UvicornBackend AddBackend(IDistributedApplicationBuilder builder, AppHostOptions options, RepositoryLayout layout, string run,
        IResourceBuilder<ParameterResource> token, IResourceBuilder<ExecutableResource>? model)
    {
        if (options.ExternalBackendUrl is { } external)
        {
            return new UvicornBackend(builder.AddExternalService(Backend, external).WithHttpHealthCheck("/health"), external.ToString().TrimEnd('/'));
        }

        var backend = options.WegentBackendDirectory is { } wegent
            ? builder.AddExecutable(Backend, "uv", wegent, "run", "uvicorn", "app.main:app").WithPrerequisite(Prerequisites.WegentCheckout(wegent))
            : AddDevApp(builder, Backend, "app.main:app", layout)
                .WithEnvironment("WEGENT_DEV_DB", Path.Combine(run, "backend.db"))
                .WithEnvironment("WEGENT_DEV_TOKENS", token);
        Uvicorn(backend);
        if (options.UsesDevBackend) backend.WithUrl(UrlOf(backend) + LiveTasksPath, "Live tasks");
        // Only its address: the backend starts beside the model, not after it (the executor waits for both).
        if (model is not null) backend.WithEnvironment("WEGENT_DEV_MODEL_URL", UrlOf(model));
        return new UvicornBackend(backend, UrlOf(backend));
    }

    private static void ConfigureExecutor<T>(IResourceBuilder<T> executor, ExecutorResourceOptions settings, UvicornBackend backend,
        IResourceBuilder<ExecutableResource>? model, DeviceConnectedHealthCheck? deviceCheck, string doctorCommand, IReadOnlyList<string> doctorArguments)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        executor.WithEnvironment(context =>
        {
            foreach (var (name, value) in settings.Environment())
            {
                if (value is not null) context.EnvironmentVariables[name] = value;
            }
        });
        executor.WithEnvironment("WEGENT_AUTH_TOKEN", settings.Token)
            .WithPrerequisite(Prerequisites.ClaudeCli(settings.ClaudeCli))
            .WaitFor(backend.Resource);
        if (model is not null) executor.WaitFor(model);
        if (deviceCheck is not null)
        {
            var check = "executor-device-connected";
            executor.ApplicationBuilder.Services.AddHealthChecks().AddCheck(check, deviceCheck);
            executor.WithHealthCheck(check);
        }

        ExecutorDoctor.AddTo(executor, settings, doctorCommand, doctorArguments);
    }

    /// <summary>Runs a uvicorn app on 127.0.0.1 on a port chosen now, not behind Aspire's proxy: the port stays the same
    /// when the resource restarts, and a stopped or frozen process is seen as such by its clients.</summary>
    private static IResourceBuilder<ExecutableResource> Uvicorn(IResourceBuilder<ExecutableResource> resource)
    {
        var port = LoopbackPort.Free();
        return resource
            .WithHttpEndpoint(port: port, isProxied: false)
            .WithEndpoint("http", endpoint => endpoint.TargetHost = "127.0.0.1")
            .WithArgs("--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--log-level", "info")
            .WithEnvironment("PYTHONDONTWRITEBYTECODE", "1")
            .WithEnvironment("PYTHONUNBUFFERED", "1")
            .WithHttpHealthCheck("/health");
    }

    internal static string UrlOf(IResourceBuilder<IResourceWithEndpoints> resource)
    {
        var endpoint = resource.Resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");
        return $"http://127.0.0.1:{endpoint.Port!.Value.ToString(CultureInfo.InvariantCulture)}";
    }

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private sealed record UvicornBackend(IResourceBuilder<IResource> Resource, string Url);
}

/// <summary>What the AppHost declared: the run directory, the backend's address and token, the resources' names.</summary>
public sealed record WegentResources(string RunDirectory, BackendLink Backend, IReadOnlyList<string> Names);

/// <summary>A backend's REST address and the token the AppHost gave it.</summary>
public sealed record BackendLink(string Url, string Token);
