using System.Globalization;

namespace Wegent.Bench;

/// <param name="Runs">Runs per metric (5 or more).</param>
/// <param name="IdleSeconds">Length of the idle CPU measurement (60 in the table; shorter for quick runs).</param>
/// <param name="Builds">Executor builds to measure; default: the Release tool build and dist/ binary when present.</param>
/// <param name="Only">Metrics to measure (startup, idle, first-progress, stream, stream5, reconnect); empty: all.</param>
/// <param name="BackendProtocol">The generation the dev backend speaks (WEGENT_DEV_PROTOCOL: legacy or responses); null:
/// its default. The executor detects it, so one run measures one reporting style.</param>
internal sealed record BenchOptions(int Runs, double IdleSeconds, IReadOnlyList<ExecutorBuild> Builds, IReadOnlySet<string> Only, string? BackendProtocol)
{
    private static readonly string[] Metrics = ["startup", "idle", "first-progress", "stream", "stream5", "reconnect"];

    public bool Includes(string metric) => Only.Count == 0 || Only.Contains(metric);

    public static BenchOptions Parse(string[] args, string repositoryRoot)
    {
        var runs = 5;
        var idleSeconds = 60.0;
        var builds = new List<ExecutorBuild>();
        var only = new HashSet<string>(StringComparer.Ordinal);
        string? backendProtocol = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--runs":
                    runs = Math.Max(1, int.Parse(Value(), CultureInfo.InvariantCulture));
                    break;
                case "--idle-seconds":
                    idleSeconds = double.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--executor":
                    var spec = Value().Split('=', 2);
                    builds.Add(spec.Length == 2 ? new ExecutorBuild(spec[0], Path.GetFullPath(spec[1])) : new ExecutorBuild(Path.GetFileName(spec[0]), Path.GetFullPath(spec[0])));
                    break;
                case "--only":
                    foreach (var metric in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        only.Add(Metrics.Contains(metric) ? metric : throw new ArgumentException($"unknown metric {metric}; one of {string.Join(", ", Metrics)}"));
                    }

                    break;
                case "--backend-protocol":
                    backendProtocol = Value();
                    if (backendProtocol is not ("legacy" or "responses")) throw new ArgumentException("--backend-protocol is legacy or responses");
                    break;
                default:
                    throw new ArgumentException($"unknown argument {args[i]}; usage: [--runs N] [--idle-seconds S] [--executor name=path]... [--only metric,...] [--backend-protocol legacy|responses]");
            }
        }

        if (builds.Count == 0)
        {
            var tool = Path.Combine(repositoryRoot, "Wegent.Executor.Tool", "bin", "Release", "net10.0", "wegent-executor");
            var binary = Path.Combine(repositoryRoot, "dist", "wegent-executor");
            if (File.Exists(tool)) builds.Add(new ExecutorBuild("dotnet tool (framework-dependent)", tool));
            if (File.Exists(binary)) builds.Add(new ExecutorBuild("single-file binary (dist/)", binary));
        }

        return new BenchOptions(runs, idleSeconds, builds, only, backendProtocol);
    }
}
