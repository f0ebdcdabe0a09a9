namespace Wegent.Executor.Configuration;

/// <summary>Replaces every known secret in text with <see cref="Placeholder"/>. Thread-safe; secrets can be added at any time.</summary>
public sealed class SecretMasker
{
    public const string Placeholder = "***";

    /// <summary>Shorter values would mask ordinary words and numbers.</summary>
    public const int MinimumSecretLength = 4;

    /// <summary>Displayed values shorter than this are hidden completely, so a prefix never reveals half a secret.</summary>
    private const int ShortValueLength = 8;
    private const int ShownPrefixLength = 4;

    private readonly Lock _gate = new();
    private string[] _secrets = [];

    /// <summary>A masker that knows the secrets among the options (the token, the API key, the AES key and IV).</summary>
    public static SecretMasker For(ExecutorOptions options)
    {
        var masker = new SecretMasker();
        masker.Register(options.AuthToken);
        masker.Register(options.AnthropicApiKey);
        masker.Register(options.GitTokenAesKey);
        masker.Register(options.GitTokenAesIv);
        return masker;
    }

    /// <summary>Registers a secret and the URL-escaped form it takes in query strings.</summary>
    public void Register(string? secret)
    {
        if (secret is null || secret.Length < MinimumSecretLength)
        {
            return;
        }

        lock (_gate)
        {
            // Longest first, so a secret containing another is masked whole.
            _secrets = _secrets.Append(secret).Append(Uri.EscapeDataString(secret))
                .Distinct(StringComparer.Ordinal)
                .OrderByDescending(s => s.Length)
                .ToArray();
        }
    }

    public string Mask(string text)
    {
        var secrets = Volatile.Read(ref _secrets);
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, Placeholder, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>A secret for display: its first 4 characters then <see cref="Placeholder"/>, or only the mask when short.</summary>
    public static string MaskValue(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < ShortValueLength)
        {
            return Placeholder;
        }

        return string.Concat(secret.AsSpan(0, ShownPrefixLength), Placeholder);
    }
}
