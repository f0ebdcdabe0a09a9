using Wegent.Executor.Processes;

namespace Wegent.Executor.Service;

/// <summary>A launchd agent in the user's GUI domain, managed with <c>launchctl bootstrap/bootout/print</c>.</summary>
public sealed class LaunchdServiceManager(ICommandRunner runner, string userHome) : IServiceManager
{
    private const string Launchctl = "launchctl";

    public string DefinitionPath => LaunchdAgent.FilePath(userHome);

    public async Task<int> InstallAsync(ServiceDefinition service, TextWriter output, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DefinitionPath)!);
        Directory.CreateDirectory(Path.Combine(service.Home, "logs"));
        await File.WriteAllTextAsync(DefinitionPath, LaunchdAgent.Render(service), cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"Wrote {DefinitionPath}").ConfigureAwait(false);
        if (await DomainAsync(cancellationToken).ConfigureAwait(false) is not { } domain) return await NoUserIdAsync(output).ConfigureAwait(false);

        // A previous version may be loaded: unload it first (fails harmlessly when it is not).
        await runner.RunAsync(Launchctl, ["bootout", $"{domain}/{LaunchdAgent.Label}"], cancellationToken).ConfigureAwait(false);
        var loaded = await runner.RunAsync(Launchctl, ["bootstrap", domain, DefinitionPath], cancellationToken).ConfigureAwait(false);
        if (loaded is not { ExitCode: 0 })
        {
            await output.WriteLineAsync($"launchctl bootstrap failed: {loaded?.Output ?? "launchctl not found"}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await output.WriteLineAsync($"Started {LaunchdAgent.Label}; it restarts on failure and starts at login.").ConfigureAwait(false);
        await output.WriteLineAsync($"Logs: {Path.Combine(service.Home, "logs")}").ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    public async Task<int> UninstallAsync(TextWriter output, CancellationToken cancellationToken)
    {
        if (await DomainAsync(cancellationToken).ConfigureAwait(false) is { } domain)
        {
            await runner.RunAsync(Launchctl, ["bootout", $"{domain}/{LaunchdAgent.Label}"], cancellationToken).ConfigureAwait(false);
        }

        if (!File.Exists(DefinitionPath))
        {
            await output.WriteLineAsync($"{DefinitionPath} was not installed").ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        File.Delete(DefinitionPath);
        await output.WriteLineAsync($"Removed {DefinitionPath}").ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    public async Task<int> StatusAsync(TextWriter output, CancellationToken cancellationToken)
    {
        if (!File.Exists(DefinitionPath))
        {
            await output.WriteLineAsync($"Not installed ({DefinitionPath} does not exist). Install with: wegent-executor service install").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await output.WriteLineAsync($"Installed: {DefinitionPath}").ConfigureAwait(false);
        if (await DomainAsync(cancellationToken).ConfigureAwait(false) is not { } domain) return await NoUserIdAsync(output).ConfigureAwait(false);
        var printed = await runner.RunAsync(Launchctl, ["print", $"{domain}/{LaunchdAgent.Label}"], cancellationToken).ConfigureAwait(false);
        var running = printed is { ExitCode: 0 } && printed.Output.Contains("state = running", StringComparison.Ordinal);
        await output.WriteLineAsync($"State: {(printed is not { ExitCode: 0 } ? "not loaded" : running ? "running" : "loaded, not running")}").ConfigureAwait(false);
        return running ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private async Task<string?> DomainAsync(CancellationToken cancellationToken)
    {
        var id = await runner.RunAsync("id", ["-u"], cancellationToken).ConfigureAwait(false);
        return id is { ExitCode: 0 } && int.TryParse(id.Output, out var uid) ? $"gui/{uid}" : null;
    }

    private static async Task<int> NoUserIdAsync(TextWriter output)
    {
        await output.WriteLineAsync("Could not read the user id (`id -u` failed)").ConfigureAwait(false);
        return ExitCodes.Failure;
    }
}
