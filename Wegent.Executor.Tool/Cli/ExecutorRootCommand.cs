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
            };
            _options.Add(setting, option);
            Command.Options.Add(option);
        }

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
        SettingKind.Boolean => "true|false",
        SettingKind.LogLevel => "level",
        SettingKind.Choice => "choice",
        _ => "text",
    };
}
