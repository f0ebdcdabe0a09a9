using System.CommandLine;
using Wegent.Executor.Configuration;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Diagnostics;
using Wegent.Executor.Processes;
using Wegent.Executor.Service;

namespace Wegent.Executor.Cli;

/// <summary>Binds <c>doctor</c> and <c>service install|uninstall|status</c> to the Diagnostics and Service code.</summary>
internal sealed class SubcommandActions(
    ExecutorRootCommand root,
    IReadOnlyDictionary<string, string> environment,
    TextWriter output,
    TextWriter error,
    ICommandRunner commandRunner)
{
    private static readonly TimeSpan DoctorNetworkTimeout = TimeSpan.FromSeconds(5);

    public void Attach()
    {
        root.Doctor.SetAction(DoctorAsync);
        root.ServiceInstall.SetAction(InstallAsync);
        root.ServiceUninstall.SetAction((_, token) => WithManagerAsync(manager => manager.UninstallAsync(output, token)));
        root.ServiceStatus.SetAction((_, token) => WithManagerAsync(manager => manager.StatusAsync(output, token)));
    }

    private async Task<int> DoctorAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var commandLine = root.CommandLineValues(parseResult);
        ExecutorOptions? options = null;
        string? problem = null;
        try
        {
            options = ConfigurationLoader.Load(commandLine, environment).Options;
        }
        catch (ConfigurationException e)
        {
            problem = e.Message;
        }

        // A broken configuration must not hide the CLI check: fall back to the raw setting.
        var cli = options?.ClaudeCliPath
            ?? NonEmpty(commandLine.GetValueOrDefault(KnownSettings.ClaudeCli.EnvironmentVariable))
            ?? NonEmpty(environment.GetValueOrDefault(KnownSettings.ClaudeCli.EnvironmentVariable))
            ?? SettingDefaults.ClaudeCli;
        var doctor = new Doctor(new SocketIoConnectionFactory(), DoctorNetworkTimeout);
        var results = await doctor.RunAsync(new DoctorInput(options, problem, cli, environment.GetValueOrDefault("PATH")), cancellationToken).ConfigureAwait(false);
        foreach (var result in results) await output.WriteLineAsync(result.Format()).ConfigureAwait(false);
        return results.All(result => result.Passed) ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private async Task<int> InstallAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        ExecutorOptions options;
        try
        {
            options = ConfigurationLoader.Load(root.CommandLineValues(parseResult), environment).Options;
        }
        catch (ConfigurationException e)
        {
            await error.WriteLineAsync($"{e.Message}\nThe service reads its settings from {ConfigEnvFile.FileName} in the executor home: write them there first.").ConfigureAwait(false);
            return ExitCodes.BadConfiguration;
        }

        var service = new ServiceDefinition(
            ServiceCommandLine.ForCurrentProcess(),
            options.Home,
            environment.GetValueOrDefault("PATH") ?? "",
            options.GracefulShutdownTimeout);
        return await WithManagerAsync(manager => manager.InstallAsync(service, output, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<int> WithManagerAsync(Func<IServiceManager, Task<int>> act)
    {
        var userHome = ConfigurationLoader.UserHome(environment);
        var manager = userHome is null ? null : ServiceManagers.ForThisPlatform(commandRunner, userHome, environment);
        if (manager is null)
        {
            await error.WriteLineAsync(userHome is null
                ? "HOME is not set: cannot tell where the per-user service definition goes"
                : "Per-user services are supported on Linux (systemd) and macOS (launchd); on Windows use Task Scheduler to run wegent-executor at logon").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        return await act(manager).ConfigureAwait(false);
    }
}
