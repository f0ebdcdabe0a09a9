namespace Wegent.Executor.Configuration;

/// <summary>Reads WEGENT_BACKEND_URL: an absolute http(s) URL; ws(s) given by mistake is mapped with a warning.</summary>
internal static class BackendUrlParser
{
    public const string Expected = "the backend's http(s) URL, e.g. http://localhost:8000";

    public static Uri Parse(RawSetting raw, ICollection<string> warnings)
    {
        if (!Uri.TryCreate(raw.Value, UriKind.Absolute, out var url) || url.Host.Length == 0)
        {
            throw raw.Invalid(Expected);
        }

        var mappedScheme = url.Scheme switch
        {
            "http" or "https" => null,
            "ws" => Uri.UriSchemeHttp,
            "wss" => Uri.UriSchemeHttps,
            _ => throw raw.Invalid(Expected),
        };
        if (mappedScheme is not null)
        {
            var mapped = new UriBuilder(url) { Scheme = mappedScheme, Port = url.IsDefaultPort ? -1 : url.Port }.Uri;
            warnings.Add($"{raw.Setting.EnvironmentVariable} uses {url.Scheme}://; using {mapped} instead (the backend URL is its http(s) address)");
            url = mapped;
        }

        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
        {
            warnings.Add($"{raw.Setting.EnvironmentVariable} uses http:// to {url.Host}, another machine: the token and every task travel unencrypted; use https://");
        }

        return url;
    }
}
