namespace Wegent.Executor.Configuration;

/// <summary>
/// Resolves <see cref="ExecutorOptions"/> from the command line, the environment, <c>$WEGENT_EXECUTOR_HOME/config.env</c>
/// and the defaults, in that order of precedence. Pure apart from reading config.env: the environment comes in as a dictionary.
/// </summary>
public static class ConfigurationLoader
{
    /// <param name="commandLineValues">Values given on the command line, keyed by the setting's environment variable name.</param>
    /// <param name="environment">The process environment (HOME or USERPROFILE resolve <c>~</c>).</param>
    /// <param name="standardInput">Where <c>--token-file -</c> reads the token; the console's by default.</param>
    /// <exception cref="ConfigurationException">A setting is missing or malformed; the message is one line.</exception>
    public static LoadedConfiguration Load(
        IReadOnlyDictionary<string, string?> commandLineValues,
        IReadOnlyDictionary<string, string> environment,
        TextReader? standardInput = null)
    {
        var userHome = UserHome(environment);
        var noFile = new Dictionary<string, ConfigEnvEntry>();
        var home = ResolveHome(new SettingSources(commandLineValues, environment, noFile, ConfigEnvFile.FileName), userHome);

        var configFilePath = Path.Combine(home, ConfigEnvFile.FileName);
        var fileValues = File.Exists(configFilePath) ? ConfigEnvFile.Read(configFilePath) : noFile;
        var sources = new SettingSources(commandLineValues, environment, fileValues, configFilePath);
        var warnings = new List<string>();
        var notes = UnknownKeyNotes(fileValues, configFilePath);

        if (sources.Find(KnownSettings.ExecutorMode) is { } mode)
        {
            _ = SettingParser.Choice(mode);
        }

        var logLevel = Optional(sources, KnownSettings.LogLevel, SettingParser.LogLevel, SettingDefaults.LogLevel);
        var options = new ExecutorOptions
        {
            BackendUrl = BackendUrlParser.Parse(Required(sources, KnownSettings.BackendUrl, BackendUrlParser.Expected), warnings),
            AuthToken = RequiredToken(sources, userHome, standardInput ?? Console.In, warnings),
            Home = home,
            WorkspaceRoot = OptionalPath(sources, KnownSettings.WorkspaceRoot, userHome) ?? Path.Combine(home, "workspace"),
            LogDirectory = OptionalPath(sources, KnownSettings.LogDirectory, userHome) ?? Path.Combine(home, "logs"),
            LogFileName = Optional(sources, KnownSettings.LogFile, LogFileName, SettingDefaults.LogFileName),
            LogMaxFileBytes = Optional(sources, KnownSettings.LogMaxSize, SettingParser.Megabytes, SettingDefaults.LogMaxFileBytes),
            LogBackupCount = Optional(sources, KnownSettings.LogBackupCount, SettingParser.Integer, SettingDefaults.LogBackupCount),
            LogLevel = logLevel,
            HeartbeatInterval = Optional(sources, KnownSettings.HeartbeatInterval, SettingParser.Seconds, TimeSpan.FromSeconds(SettingDefaults.HeartbeatIntervalSeconds)),
            HeartbeatTimeout = Optional(sources, KnownSettings.HeartbeatTimeout, SettingParser.Seconds, TimeSpan.FromSeconds(SettingDefaults.HeartbeatTimeoutSeconds)),
            ReconnectDelay = Optional(sources, KnownSettings.ReconnectDelay, SettingParser.Seconds, TimeSpan.FromSeconds(SettingDefaults.ReconnectDelaySeconds)),
            ReconnectMaxDelay = Optional(sources, KnownSettings.ReconnectMaxDelay, SettingParser.Seconds, TimeSpan.FromSeconds(SettingDefaults.ReconnectMaxDelaySeconds)),
            AnthropicApiKey = sources.Find(KnownSettings.AnthropicApiKey)?.Value,
            AnthropicBaseUrl = Optional<string?>(sources, KnownSettings.AnthropicBaseUrl, SettingParser.HttpUrl, null),
            AgentEnvAllow = Optional(sources, KnownSettings.AgentEnvAllow, SettingParser.VariableNames, new HashSet<string>()),
            GitTokenAesKey = sources.Find(KnownSettings.GitTokenAesKey)?.Value,
            GitTokenAesIv = sources.Find(KnownSettings.GitTokenAesIv)?.Value,
            SkillClearCache = Optional(sources, KnownSettings.SkillClearCache, SettingParser.Boolean, SettingDefaults.SkillClearCache),
            MaxConcurrentTasks = Optional(sources, KnownSettings.MaxConcurrentTasks, SettingParser.Integer, SettingDefaults.MaxConcurrentTasks),
            ProgressInterval = Optional(sources, KnownSettings.ProgressInterval, SettingParser.Milliseconds, TimeSpan.FromMilliseconds(SettingDefaults.ProgressIntervalMilliseconds)),
            ResultProtocol = Optional(sources, KnownSettings.ResultProtocol, raw => Protocol.ResultProtocols.Parse(SettingParser.Choice(raw)), null),
            GracefulShutdownTimeout = Optional(sources, KnownSettings.GracefulShutdownTimeout, SettingParser.Seconds, TimeSpan.FromSeconds(SettingDefaults.GracefulShutdownTimeoutSeconds)),
            ClaudeCliPath = sources.Find(KnownSettings.ClaudeCli)?.Value ?? SettingDefaults.ClaudeCli,
            PermissionMode = Optional(sources, KnownSettings.PermissionMode, SettingParser.Choice, SettingDefaults.PermissionMode),
            AgentIdleTimeout = Optional(sources, KnownSettings.AgentIdleTimeout, SettingParser.Seconds, TimeSpan.FromSeconds(SettingDefaults.AgentIdleTimeoutSeconds)),
            AgentMaxRetries = Optional(sources, KnownSettings.AgentMaxRetries, SettingParser.Integer, SettingDefaults.AgentMaxRetries),
            AgentApiTimeout = Optional(sources, KnownSettings.AgentApiTimeout, SettingParser.Seconds, TimeSpan.FromSeconds(SettingDefaults.AgentApiTimeoutSeconds)),
            GitTimeout = Optional(sources, KnownSettings.GitTimeout, SettingParser.Seconds, TimeSpan.FromSeconds(SettingDefaults.GitTimeoutSeconds)),
            WorkspaceRetentionDays = Optional(sources, KnownSettings.WorkspaceRetentionDays, SettingParser.Integer, SettingDefaults.WorkspaceRetentionDays),
            TrustRepositorySettings = Optional(sources, KnownSettings.TrustRepositorySettings, SettingParser.Boolean, false),
            AgentSandbox = Optional(sources, KnownSettings.AgentSandbox, SettingParser.Choice, SettingDefaults.AgentSandbox),
        };

        CheckRelations(sources, options);
        return new LoadedConfiguration(options, warnings, notes);
    }

    /// <summary>The user's home directory as the environment dictionary gives it, or null.</summary>
    public static string? UserHome(IReadOnlyDictionary<string, string> environment)
    {
        foreach (var name in (string[])["HOME", "USERPROFILE"])
        {
            if (environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }

        return null;
    }

    private static string ResolveHome(SettingSources sources, string? userHome)
    {
        if (sources.Find(KnownSettings.Home) is { } raw)
        {
            return SettingParser.Path(raw, userHome);
        }

        if (userHome is null)
        {
            throw new ConfigurationException(
                $"{KnownSettings.Home.EnvironmentVariable} is not set and neither HOME nor USERPROFILE is set: expected a home directory for the executor");
        }

        return Path.GetFullPath(Path.Combine(userHome, SettingDefaults.HomeFolderName));
    }

    private static List<string> UnknownKeyNotes(IReadOnlyDictionary<string, ConfigEnvEntry> fileValues, string configFilePath)
    {
        var known = KnownSettings.All.Select(s => s.EnvironmentVariable).ToHashSet(StringComparer.Ordinal);
        var notes = fileValues.Values
            .Where(entry => !known.Contains(entry.Key))
            .OrderBy(entry => entry.LineNumber)
            .Select(entry => $"{configFilePath} line {entry.LineNumber}: unknown setting {entry.Key} ignored")
            .ToList();
        if (fileValues.ContainsKey(KnownSettings.Home.EnvironmentVariable))
        {
            notes.Add($"{configFilePath}: {KnownSettings.Home.EnvironmentVariable} ignored there (the home holds the file; set it in the environment or with {KnownSettings.Home.OptionName})");
        }

        return notes;
    }

    private static RawSetting Required(SettingSources sources, SettingDefinition setting, string expected) =>
        sources.Find(setting) ?? throw new ConfigurationException($"{setting.EnvironmentVariable} is not set: expected {expected}");

    /// <summary>The token from WEGENT_AUTH_TOKEN or from the file WEGENT_AUTH_TOKEN_FILE names, whichever is given in the
    /// more important source; on the command line the token is visible to every local user, so that is warned about.</summary>
    private static string RequiredToken(SettingSources sources, string? userHome, TextReader standardInput, List<string> warnings)
    {
        const string expected = "the executor's authentication token issued by the Wegent backend";
        var raw = sources.FindFirst(KnownSettings.AuthToken, KnownSettings.AuthTokenFile)
            ?? throw new ConfigurationException(
                $"{KnownSettings.AuthToken.EnvironmentVariable} is not set: expected {expected} (or {KnownSettings.AuthTokenFile.OptionName} FILE)");
        string token;
        if (raw.Setting == KnownSettings.AuthTokenFile)
        {
            token = AuthTokenParser.Normalize(ReadTokenFile(raw, userHome, standardInput));
        }
        else
        {
            token = AuthTokenParser.Normalize(raw.Value);
            if (raw.Origin == KnownSettings.AuthToken.OptionName)
            {
                warnings.Add($"{KnownSettings.AuthToken.OptionName} puts the token in the process list, where every user of this machine can read it: "
                    + $"use {KnownSettings.AuthTokenFile.OptionName} FILE, {KnownSettings.AuthTokenFile.OptionName} - (standard input) or config.env instead");
            }
        }

        return token.Length > 0
            ? token
            : throw new ConfigurationException($"{raw.Describe()} gives an empty token (after removing 'Bearer '): expected {expected}");
    }

    private static string ReadTokenFile(RawSetting raw, string? userHome, TextReader standardInput)
    {
        if (raw.Value == "-") return standardInput.ReadLine() ?? "";
        var path = SettingParser.Path(raw, userHome);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw raw.Invalid($"a readable file holding the token ({e.Message})");
        }
    }

    private static T Optional<T>(SettingSources sources, SettingDefinition setting, Func<RawSetting, T> parse, T fallback) =>
        sources.Find(setting) is { } raw ? parse(raw) : fallback;

    private static string? OptionalPath(SettingSources sources, SettingDefinition setting, string? userHome) =>
        sources.Find(setting) is { } raw ? SettingParser.Path(raw, userHome) : null;

    private static string LogFileName(RawSetting raw) =>
        raw.Value.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && raw.Value.IndexOfAny(['/', '\\']) < 0 && raw.Value is not ("." or "..")
            ? raw.Value
            : throw raw.Invalid($"a file name without directory (e.g. {SettingDefaults.LogFileName})");

    private static void CheckRelations(SettingSources sources, ExecutorOptions options)
    {
        if (options.ReconnectMaxDelay < options.ReconnectDelay)
        {
            var raw = sources.Find(KnownSettings.ReconnectMaxDelay) ?? sources.Find(KnownSettings.ReconnectDelay)!;
            throw raw.Invalid(
                $"{KnownSettings.ReconnectMaxDelay.EnvironmentVariable} ({options.ReconnectMaxDelay.TotalSeconds} s) to be at least {KnownSettings.ReconnectDelay.EnvironmentVariable} ({options.ReconnectDelay.TotalSeconds} s)");
        }

        if (options.HeartbeatTimeout <= options.HeartbeatInterval)
        {
            var raw = sources.Find(KnownSettings.HeartbeatTimeout) ?? sources.Find(KnownSettings.HeartbeatInterval)!;
            throw raw.Invalid(
                $"{KnownSettings.HeartbeatTimeout.EnvironmentVariable} ({options.HeartbeatTimeout.TotalSeconds} s) to be greater than {KnownSettings.HeartbeatInterval.EnvironmentVariable} ({options.HeartbeatInterval.TotalSeconds} s)");
        }
    }
}
