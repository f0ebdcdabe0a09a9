namespace Wegent.Executor.Configuration;

/// <summary>Finds a setting's text by precedence: command line, then environment, then config.env. Blank counts as unset.</summary>
internal sealed class SettingSources(
    IReadOnlyDictionary<string, string?> commandLine,
    IReadOnlyDictionary<string, string> environment,
    IReadOnlyDictionary<string, ConfigEnvEntry> configFile,
    string configFilePath)
{
    public RawSetting? Find(SettingDefinition setting) => FindFirst(setting);

    /// <summary>The first of <paramref name="settings"/> given in the most important source (command line, then
    /// environment, then config.env): for two settings that say the same thing in different ways.</summary>
    public RawSetting? FindFirst(params SettingDefinition[] settings)
    {
        foreach (var setting in settings)
        {
            if (commandLine.TryGetValue(setting.EnvironmentVariable, out var fromCommandLine) && !string.IsNullOrWhiteSpace(fromCommandLine))
            {
                return new RawSetting(setting, fromCommandLine.Trim(), setting.OptionName);
            }
        }

        foreach (var setting in settings)
        {
            if (environment.TryGetValue(setting.EnvironmentVariable, out var fromEnvironment) && !string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return new RawSetting(setting, fromEnvironment.Trim(), null);
            }
        }

        foreach (var setting in settings)
        {
            if (configFile.TryGetValue(setting.EnvironmentVariable, out var entry) && !string.IsNullOrWhiteSpace(entry.Value))
            {
                return new RawSetting(setting, entry.Value.Trim(), $"{configFilePath} line {entry.LineNumber}");
            }
        }

        return null;
    }
}
