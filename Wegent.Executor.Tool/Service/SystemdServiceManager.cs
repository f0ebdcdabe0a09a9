using Wegent.Executor.Processes;

namespace Wegent.Executor.Service;

/// <summary>A systemd user unit managed with <c>systemctl --user</c>.</summary>
public sealed class SystemdServiceManager(ICommandRunner runner, string unitPath) : IServiceManager
{
    private const string Systemctl = "systemctl";

    public string DefinitionPath => unitPath;

    public async Task<int> InstallAsync(ServiceDefinition service, TextWriter output, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(unitPath)!);
        await File.WriteAllTextAsync(unitPath, SystemdUserUnit.Render(service), cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"Wrote {unitPath}").ConfigureAwait(false);

        string[][] steps = [["daemon-reload"], ["enable", SystemdUserUnit.UnitName], ["restart", SystemdUserUnit.UnitName]];
        foreach (var step in steps)
        {
            if (!await SystemctlAsync(step, output, cancellationToken).ConfigureAwait(false)) return ExitCodes.Failure;
        }

        await output.WriteLineAsync($"Started {SystemdUserUnit.UnitName}; it restarts on failure and starts at login.").ConfigureAwait(false);
        await output.WriteLineAsync($"Logs: journalctl --user -u {SystemdUserUnit.UnitName} -f, and {Path.Combine(service.Home, "logs")}").ConfigureAwait(false);
        await output.WriteLineAsync("To keep it running while you are logged out: loginctl enable-linger $USER").ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    public async Task<int> UninstallAsync(TextWriter output, CancellationToken cancellationToken)
    {
        // Stopping a unit that is not loaded fails harmlessly; the file is removed either way.
        await SystemctlAsync(["disable", "--now", SystemdUserUnit.UnitName], output, cancellationToken).ConfigureAwait(false);
        if (File.Exists(unitPath))
        {
            File.Delete(unitPath);
            await output.WriteLineAsync($"Removed {unitPath}").ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync($"{unitPath} was not installed").ConfigureAwait(false);
        }

        return await SystemctlAsync(["daemon-reload"], output, cancellationToken).ConfigureAwait(false) ? ExitCodes.Ok : ExitCodes.Failure;
    }

    public async Task<int> StatusAsync(TextWriter output, CancellationToken cancellationToken)
    {
        if (!File.Exists(unitPath))
        {
            await output.WriteLineAsync($"Not installed ({unitPath} does not exist). Install with: wegent-executor service install").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await output.WriteLineAsync($"Installed: {unitPath}").ConfigureAwait(false);
        var state = await runner.RunAsync(Systemctl, ["--user", "is-active", SystemdUserUnit.UnitName], cancellationToken).ConfigureAwait(false);
        var text = state is null ? "unknown (systemctl not found)" : state.Output.Length > 0 ? state.Output : "unknown";
        await output.WriteLineAsync($"State: {text}").ConfigureAwait(false);
        return state is { ExitCode: 0 } ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private async Task<bool> SystemctlAsync(IReadOnlyList<string> arguments, TextWriter output, CancellationToken cancellationToken)
    {
        string[] command = ["--user", .. arguments];
        var result = await runner.RunAsync(Systemctl, command, cancellationToken).ConfigureAwait(false);
        if (result is { ExitCode: 0 }) return true;
        var why = result is null ? "systemctl not found (is this a systemd system?)" : $"exit {result.ExitCode}: {result.Output}";
        await output.WriteLineAsync($"systemctl {string.Join(' ', command)} failed: {why}").ConfigureAwait(false);
        return false;
    }
}
