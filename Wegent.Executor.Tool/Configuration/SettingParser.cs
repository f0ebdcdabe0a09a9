using System.Globalization;

namespace Wegent.Executor.Configuration;

/// <summary>Turns a setting's text into its typed value, or a one-line <see cref="ConfigurationException"/>.</summary>
internal static class SettingParser
{
    public static int Integer(RawSetting raw)
    {
        var setting = raw.Setting;
        if (!int.TryParse(raw.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            || value < setting.Minimum || value > setting.Maximum)
        {
            throw raw.Invalid($"a whole number from {setting.Minimum} to {setting.Maximum} (e.g. {setting.DefaultText})");
        }

        return value;
    }

    public static TimeSpan Seconds(RawSetting raw)
    {
        var setting = raw.Setting;
        if (!double.TryParse(raw.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value) || value <= 0)
        {
            throw raw.Invalid($"a number of seconds greater than 0 (e.g. {setting.DefaultText})");
        }

        if (value > setting.Maximum)
        {
            throw raw.Invalid($"a number of seconds greater than 0 and at most {setting.Maximum} (e.g. {setting.DefaultText})");
        }

        return TimeSpan.FromSeconds(value);
    }

    public static TimeSpan Milliseconds(RawSetting raw)
    {
        var setting = raw.Setting;
        if (!int.TryParse(raw.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            || value < setting.Minimum || value > setting.Maximum)
        {
            throw raw.Invalid($"a number of milliseconds from {setting.Minimum} to {setting.Maximum} (e.g. {setting.DefaultText})");
        }

        return TimeSpan.FromMilliseconds(value);
    }

    /// <summary>A size given in MB (decimals allowed, so tests and small disks can rotate early), in bytes.</summary>
    public static long Megabytes(RawSetting raw)
    {
        var setting = raw.Setting;
        if (!double.TryParse(raw.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value) || value < setting.Minimum || value > setting.Maximum)
        {
            throw raw.Invalid($"a number of megabytes from {setting.Minimum.ToString(CultureInfo.InvariantCulture)} to {setting.Maximum.ToString(CultureInfo.InvariantCulture)}, decimals allowed (e.g. {setting.DefaultText} or 0.5)");
        }

        return (long)Math.Round(value * SettingDefaults.BytesPerMegabyte);
    }

    public static bool Boolean(RawSetting raw) =>
        raw.Value.ToUpperInvariant() switch
        {
            "TRUE" or "1" or "YES" => true,
            "FALSE" or "0" or "NO" => false,
            _ => throw raw.Invalid("true or false (also 1/0 or yes/no)"),
        };

    public static ExecutorLogLevel LogLevel(RawSetting raw) =>
        raw.Value.ToUpperInvariant() switch
        {
            "DEBUG" => ExecutorLogLevel.Debug,
            "INFO" => ExecutorLogLevel.Info,
            "WARNING" or "WARN" => ExecutorLogLevel.Warning,
            "ERROR" => ExecutorLogLevel.Error,
            _ => throw raw.Invalid("DEBUG, INFO, WARNING or ERROR"),
        };

    /// <summary>The accepted choice, spelled as in the table.</summary>
    public static string Choice(RawSetting raw) =>
        raw.Setting.Choices.FirstOrDefault(choice => string.Equals(choice, raw.Value, StringComparison.OrdinalIgnoreCase))
        ?? throw raw.Invalid($"one of {string.Join(", ", raw.Setting.Choices)}");

    /// <summary>An absolute http(s) URL.</summary>
    public static string HttpUrl(RawSetting raw) =>
        Uri.TryCreate(raw.Value, UriKind.Absolute, out var url) && url.Host.Length > 0 && url.Scheme is "http" or "https"
            ? raw.Value
            : throw raw.Invalid($"an http(s) URL (e.g. {raw.Setting.DefaultText})");

    /// <summary>Comma-separated environment variable names.</summary>
    public static IReadOnlySet<string> VariableNames(RawSetting raw)
    {
        var names = raw.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.All(IsVariableName)
            ? names.ToHashSet(StringComparer.Ordinal)
            : throw raw.Invalid("comma-separated variable names (letters, digits and _; e.g. MY_PROXY_KEY,AWS_REGION)");
    }

    private static bool IsVariableName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>An absolute path; a leading <c>~</c> is the user's home.</summary>
    public static string Path(RawSetting raw, string? userHome)
    {
        var value = raw.Value;
        if (value == "~" || value.StartsWith("~/", StringComparison.Ordinal) || value.StartsWith("~\\", StringComparison.Ordinal))
        {
            if (userHome is null)
            {
                throw raw.Invalid("a path; '~' cannot be resolved because neither HOME nor USERPROFILE is set");
            }

            value = System.IO.Path.Join(userHome, value[1..]);
        }

        try
        {
            return System.IO.Path.GetFullPath(value);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw raw.Invalid($"a directory path ({e.Message})");
        }
    }
}
