namespace Wegent.Executor.Configuration;

/// <summary>A setting's text as given, and where it was given (null: the environment) for error messages.</summary>
public sealed record RawSetting(SettingDefinition Setting, string Value, string? Origin)
{
    /// <summary>The value as an error message may show it: masked if secret, on one line.</summary>
    public string DisplayValue
    {
        get
        {
            var shown = Setting.IsSecret ? SecretMasker.MaskValue(Value) : Value;
            return string.Concat(shown.Select(c => char.IsControl(c) ? '?' : c));
        }
    }

    /// <summary><c>NAME=value</c>, followed by its origin when it is not the environment.</summary>
    public string Describe() =>
        Origin is null
            ? $"{Setting.EnvironmentVariable}={DisplayValue}"
            : $"{Setting.EnvironmentVariable}={DisplayValue} (from {Origin})";

    public ConfigurationException Invalid(string expected) => new($"{Describe()} is not valid: expected {expected}");
}
