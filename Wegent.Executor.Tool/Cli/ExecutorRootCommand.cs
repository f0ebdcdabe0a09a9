using System.CommandLine;
using System.CommandLine.Help;
using Wegent.Executor.Configuration;

namespace Wegent.Executor.Cli;

/// <summary>The root command: one option per <see cref="KnownSettings"/> row, --version, and a --help that lists every
/// environment variable with its default.</summary>
internal sealed class ExecutorRootCommand
{
    private readonly Dictionary<SettingDefinition, Option<string>> _options = [];

    public ExecutorRootCommand()
    {
        Command = new RootCommand(
            "Wegent executor, local mode: connects to a Wegent Backend, registers this machine as a device and runs "
            + "Claude Code tasks in a local workspace. Without options it reads the environment and "
            + $"$WEGENT_EXECUTOR_HOME/{ConfigEnvFile.FileName}; precedence: command line > environment > {ConfigEnvFile.FileName} > default.");
        foreach (var setting in KnownSettings.All)
        {
            var option = new Option<string>(setting.OptionName)
            {
                Description = $"{setting.Description} [{setting.EnvironmentVariable}]",
                HelpName = HelpName(setting.Kind),
                // doctor and service install read the same configuration.
                Recursive = true,
            };
            _options.Add(setting, option);
            Command.Options.Add(option);
        }

        Command.Options.Add(Once);
        Command.Subcommands.Add(Doctor);
        Service.Subcommands.Add(ServiceInstall);
        Service.Subcommands.Add(ServiceUninstall);
        Service.Subcommands.Add(ServiceStatus);
        Command.Subcommands.Add(Service);

        foreach (var option in Command.Options)
        {
            switch (option)
            {
                case VersionOption:
                    option.Action = new VersionAction();
                    break;
                case HelpOption { Action: HelpAction help }:
                    option.Action = new HelpWithEnvironmentAction(help);
                    break;
            }
        }
    }

    public RootCommand Command { get; }

    public Option<bool> Once { get; } = new("--once")
    {
        Description = "Run the first task the backend dispatches, deliver its result and exit: 0 when it COMPLETED, 1 otherwise.",
    };

    public Command Doctor { get; } = new("doctor",
        "Check configuration, backend, token, Claude Code CLI, git, directories and disk space; one line each. Exit 0 when all pass.");

    public Command Service { get; } = new("service", "Run the executor as a per-user service (systemd on Linux, launchd on macOS).");

    public Command ServiceInstall { get; } = new("install",
        "Write the service definition (with the current configuration home and PATH) and start it; it restarts on failure and starts at login.");

    public Command ServiceUninstall { get; } = new("uninstall", "Stop the service and remove its definition.");

    public Command ServiceStatus { get; } = new("status", "Show whether the service is installed and running (exit 0 when running).");

    /// <summary>The values given on the command line, keyed by environment variable name as the loader expects.</summary>
    public IReadOnlyDictionary<string, string?> CommandLineValues(ParseResult parseResult) =>
        _options
            .Select(pair => (pair.Key.EnvironmentVariable, Value: parseResult.GetValue(pair.Value)))
            .Where(pair => pair.Value is not null)
            .ToDictionary(pair => pair.EnvironmentVariable, pair => pair.Value);

    private static string HelpName(SettingKind kind) => kind switch
    {
        SettingKind.Url => "url",
        SettingKind.Path => "path",
        SettingKind.Integer => "number",
        SettingKind.Seconds => "seconds",
        SettingKind.Milliseconds => "ms",
        SettingKind.Megabytes => "MB",
        SettingKind.Boolean => "true|false",
        SettingKind.LogLevel => "level",
        SettingKind.Choice => "choice",
        _ => "text",
    };
}
