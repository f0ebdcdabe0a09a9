namespace Wegent.Executor.Configuration;

/// <summary>Reads WEGENT_AUTH_TOKEN: surrounding whitespace and a leading "Bearer " (any case) are removed.</summary>
internal static class AuthTokenParser
{
    private const string BearerPrefix = "Bearer ";

    public static string Normalize(string token)
    {
        var trimmed = token.Trim();
        return trimmed.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            ? trimmed[BearerPrefix.Length..].Trim()
            : trimmed;
    }
}
