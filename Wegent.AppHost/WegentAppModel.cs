using System.Globalization;
using System.Security.Cryptography;
using Wegent.AppHost.Dashboard;
using Wegent.AppHost.Orchestrator;

namespace Wegent.AppHost;

/// <summary>The resources of a Wegent dev environment: the scripted model, the backend and this repository's executor,
/// wired together (URLs, a fresh token, a per-run executor home) and started in dependency order.</summary>
public static class WegentAppModel
{
    public const string Model = "model";
    public const string Backend = "backend";
    public const string Executor = "executor";

    public static DistributedApplicationBuilder CreateBuilder(AppHostOptions options, RepositoryLayout layout, DistributedApplicationOptions appOptions)
    {
        var builder = DistributedApplication.CreateBuilder(appOptions with { DashboardPort = options.DashboardPort });
        var runName = appOptions.Time.GetLocalNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + RandomHex(2);
        var run = options.RunDirectory ?? Path.Combine(layout.Root, ".dev", "apphost", runName);
        Directory.CreateDirectory(run);
        var token = options.Token ?? (options.UsesDevBackend
            ? "dev-" + RandomHex(16)
            : throw new ArgumentException("--token is required with --backend-url or --wegent-backend-dir."));

        var model = options.ScriptedModel ? AddScriptedModel(builder, layout) : null;

        var backend = AddBackend(builder, options, layout, run, token, model);
        var home = Path.Combine(run, "executor-home");
        var deviceId = "apphost-" + runName;
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Combine(home, "device_id"), deviceId);
        var executor = builder.AddExecutable(Executor, layout.Executor, run)
            .WithEnvironment("WEGENT_BACKEND_URL", backend.Url.ToString().TrimEnd('/'))
            .WithEnvironment("WEGENT_AUTH_TOKEN", token)
            .WithEnvironment("WEGENT_EXECUTOR_HOME", home)
            .WithEnvironment("WEGENT_CLAUDE_CLI", layout.ClaudeCli)
            .WithEnvironment("CLAUDE_CODE_TMPDIR", run)
            .WaitFor(backend);
        if (options.UsesDevBackend)
        {
            executor.WithHealthCheck(new DeviceConnectedProbe(builder.Probes, backend.Url, token, deviceId));
            builder.Backend = new BackendLink(backend.Url, token);
        }

        return builder;
    }

    /// <summary>The scripted model (backend/app/scripted_model.py) on a free port; the E2E suite declares it here too.</summary>
    public static ResourceBuilder AddScriptedModel(DistributedApplicationBuilder builder, RepositoryLayout layout)
    {
        var model = builder.AddExecutable(Model, layout.Python, layout.Backend, "-m", "uvicorn", "app.scripted_model:app").WithHttpEndpoint();
        return model.WithArgs(UvicornAddress(model)).WithEnvironment("PYTHONDONTWRITEBYTECODE", "1").WithHttpHealthCheck();
    }

    /// <summary>This repository's dev backend on a free port, with its database, its tokens (comma-separated) and,
    /// when given, the model it points agents at (and waits for). The E2E suite declares it here too.</summary>
    public static ResourceBuilder AddDevBackend(DistributedApplicationBuilder builder, RepositoryLayout layout, string database, string tokens, ResourceBuilder? model)
    {
        var backend = builder.AddExecutable(Backend, layout.Python, layout.Backend, "-m", "uvicorn", "app.main:app").WithHttpEndpoint()
            .WithEnvironment("WEGENT_DEV_DB", database)
            .WithEnvironment("WEGENT_DEV_TOKENS", tokens)
            .WithEnvironment("PYTHONDONTWRITEBYTECODE", "1");
        return ListenAndUseModel(backend, model);
    }

    private static ResourceBuilder AddBackend(DistributedApplicationBuilder builder, AppHostOptions options, RepositoryLayout layout, string run, string token, ResourceBuilder? model)
    {
        if (options.ExternalBackendUrl is { } external) return builder.AddExternalService(Backend, external).WithHttpHealthCheck();
        if (options.WegentBackendDirectory is not { } wegent) return AddDevBackend(builder, layout, Path.Combine(run, "backend.db"), token, model);

        return ListenAndUseModel(builder.AddExecutable(Backend, "uv", wegent, "run", "uvicorn", "app.main:app").WithHttpEndpoint(), model);
    }

    private static ResourceBuilder ListenAndUseModel(ResourceBuilder backend, ResourceBuilder? model)
    {
        backend.WithArgs(UvicornAddress(backend)).WithHttpHealthCheck();
        if (model is not null) backend.WithEnvironment("WEGENT_DEV_MODEL_URL", model.Url.ToString().TrimEnd('/')).WaitFor(model);
        return backend;
    }

    private static string[] UvicornAddress(ResourceBuilder resource) =>
        ["--host", "127.0.0.1", "--port", resource.Port.ToString(CultureInfo.InvariantCulture), "--log-level", "info"];

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
