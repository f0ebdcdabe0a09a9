using System.Globalization;

namespace Wegent.AppHost;

/// <summary>How the AppHost was asked to run (command line, then environment).</summary>
public sealed record AppHostOptions
{
    public const string Usage = """
        Usage: dotnet run --project Wegent.AppHost [-- options]
          --backend-url URL         use a backend that is already running (no backend process; give --token)
          --wegent-backend-dir DIR  run a Wegent checkout's backend (uv run uvicorn app.main:app) from DIR
          --token TOKEN             the backend token the executor uses (default: a fresh one for the dev backend)
          --scripted-model          run the scripted model (default when ANTHROPIC_API_KEY/ANTHROPIC_AUTH_TOKEN are unset)
          --no-scripted-model       do not run it (the executor uses your real key)
          --executor-binary PATH    run this built wegent-executor instead of the Wegent.Executor.Tool project
          --no-executor             declare no executor (you start your own against the backend)
          --dashboard-port PORT     the Aspire dashboard's port on 127.0.0.1 (0: any free one), its OTLP and resource
                                    service on free ports (default: the launch profile's 18880-18882)
          --run-dir DIR             state of this run (default: .dev/apphost/<run> in the checkout)
        """;

    public Uri? ExternalBackendUrl { get; init; }

    public string? WegentBackendDirectory { get; init; }

    public string? Token { get; init; }

    public bool ScriptedModel { get; init; }

    public string? ExecutorBinary { get; init; }

    public bool WithExecutor { get; init; } = true;

    public int? DashboardPort { get; init; }

    public string? RunDirectory { get; init; }

    /// <exception cref="ArgumentException">An unknown option or a missing value; the message says which.</exception>
    public static AppHostOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var realKey = !string.IsNullOrEmpty(environment("ANTHROPIC_API_KEY")) || !string.IsNullOrEmpty(environment("ANTHROPIC_AUTH_TOKEN"));
        var options = new AppHostOptions { ScriptedModel = !realKey };
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--backend-url" => options with { ExternalBackendUrl = new Uri(Value()) },
                "--wegent-backend-dir" => options with { WegentBackendDirectory = Path.GetFullPath(Value()) },
                "--token" => options with { Token = Value() },
                "--scripted-model" => options with { ScriptedModel = true },
                "--no-scripted-model" => options with { ScriptedModel = false },
                "--executor-binary" => options with { ExecutorBinary = Path.GetFullPath(Value()) },
                "--no-executor" => options with { WithExecutor = false },
                "--dashboard-port" => options with { DashboardPort = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--run-dir" => options with { RunDirectory = Path.GetFullPath(Value()) },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        if (options.ExternalBackendUrl is not null && options.WegentBackendDirectory is not null)
        {
            throw new ArgumentException("Give either --backend-url or --wegent-backend-dir, not both.");
        }

        if (!options.UsesDevBackend && options.Token is null)
        {
            throw new ArgumentException("--token is required with --backend-url or --wegent-backend-dir.");
        }

        return options;
    }

    /// <summary>The arguments for Aspire itself (its configuration). With a dashboard port, the dashboard's three endpoints
    /// move off the launch profile's fixed ports, so that this run does not collide with another AppHost's.</summary>
    public string[] AspireArguments()
    {
        if (DashboardPort is not { } port) return [];
        static string Url(int port) => "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        return
        [
            $"--ASPNETCORE_URLS={Url(port == 0 ? LoopbackPort.Free() : port)}",
            $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL={Url(LoopbackPort.Free())}",
            $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL={Url(LoopbackPort.Free())}",
        ];
    }

    /// <summary>The dev backend of this repository runs (rather than an external or a Wegent checkout's one).</summary>
    public bool UsesDevBackend => ExternalBackendUrl is null && WegentBackendDirectory is null;
}
