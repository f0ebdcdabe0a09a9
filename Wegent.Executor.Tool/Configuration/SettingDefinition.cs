namespace Wegent.Executor.Configuration;

/// <summary>How a setting's text is read and checked.</summary>
public enum SettingKind
{
    Text,
    Url,
    Path,
    Integer,
    Seconds,
    Milliseconds,
    Megabytes,
    Boolean,
    LogLevel,
    Choice,
}

/// <summary>One row of <see cref="KnownSettings"/>: the names a setting goes by, its default and its documentation.</summary>
public sealed record SettingDefinition
{
    /// <summary>The environment variable, also the key in config.env.</summary>
    public required string EnvironmentVariable { get; init; }

    /// <summary>The command-line option, with its leading dashes.</summary>
    public required string OptionName { get; init; }

    /// <summary>The default as shown by --help; null when there is none.</summary>
    public string? DefaultText { get; init; }

    public required string Description { get; init; }
    public required SettingKind Kind { get; init; }
    public bool IsSecret { get; init; }
    public bool IsRequired { get; init; }

    /// <summary>Smallest accepted value of a numeric kind (exclusive for seconds, inclusive otherwise).</summary>
    public double Minimum { get; init; }

    /// <summary>Largest accepted value of a numeric kind (inclusive).</summary>
    public double Maximum { get; init; } = double.MaxValue;

    /// <summary>Accepted values of <see cref="SettingKind.Choice"/>, compared case-insensitively.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];
}
