namespace Wegent.Executor.Workspace;

/// <summary>A task's <c>git_url</c>, checked: the URL to clone (without any user info), the host to name in
/// messages, and the folder name of the checkout.</summary>
public sealed record RepositoryUrl
{
    private static readonly string[] AllowedSchemes = ["http", "https", "ssh", "git"];

    private RepositoryUrl(string cloneUrl, string host, string credentialScope, string name)
    {
        CloneUrl = cloneUrl;
        Host = host;
        CredentialScope = credentialScope;
        Name = name;
    }

    /// <summary>What git is given; never carries credentials.</summary>
    public string CloneUrl { get; }

    /// <summary>Host (and port when given), for messages.</summary>
    public string Host { get; }

    /// <summary><c>scheme://host[:port]</c>: the only place the user's token is offered to.</summary>
    public string CredentialScope { get; }

    /// <summary>Last path segment without <c>.git</c>: the checkout folder.</summary>
    public string Name { get; }

    /// <summary>A password or token that was embedded in the URL, to be used instead of being written to disk.</summary>
    public string? EmbeddedPassword { get; private init; }

    public bool IsHttp => CloneUrl.StartsWith("http", StringComparison.OrdinalIgnoreCase);

    /// <exception cref="WorkspaceException">The URL is not a repository URL the executor clones.</exception>
    public static RepositoryUrl Parse(string gitUrl)
    {
        var text = gitUrl.Trim();
        if (text.Length == 0 || text[0] == '-' || text.Any(char.IsControl))
        {
            throw new WorkspaceException("git_url is not a repository URL.");
        }

        if (!text.Contains("://", StringComparison.Ordinal)) return ParseScpLike(text);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !AllowedSchemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase))
        {
            throw new WorkspaceException($"git_url must be an http(s), ssh or git URL; got a {SchemeOf(text)} URL.");
        }

        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        var (user, password) = SplitUserInfo(uri.UserInfo);
        var keepUser = uri.Scheme is "ssh" && user.Length > 0 ? Uri.EscapeDataString(user) + "@" : "";
        var clean = $"{uri.Scheme}://{keepUser}{host}{uri.AbsolutePath}";
        return new RepositoryUrl(clean, host, $"{uri.Scheme}://{host}", NameFrom(Uri.UnescapeDataString(uri.AbsolutePath)))
        {
            EmbeddedPassword = password.Length > 0 ? password : null,
        };
    }

    /// <summary><c>user@host:owner/repo.git</c>, the short ssh form.</summary>
    private static RepositoryUrl ParseScpLike(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon == text.Length - 1) throw new WorkspaceException("git_url names no repository.");
        var at = text.LastIndexOf('@', colon < 0 ? 0 : colon);
        if (colon <= 0 || text.IndexOf('/', StringComparison.Ordinal) is var slash && slash >= 0 && slash < colon)
        {
            throw new WorkspaceException("git_url must be an http(s), ssh or git URL (a local path is not cloned).");
        }

        var host = text[(at + 1)..colon];
        if (host.Length == 0 || !host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-') || text[colon + 1] == ':')
        {
            throw new WorkspaceException("git_url must be an http(s), ssh or git URL.");
        }

        return new RepositoryUrl(text, host, "ssh://" + host, NameFrom(text[(colon + 1)..]));
    }

    private static string NameFrom(string path)
    {
        var segment = path.TrimEnd('/').Split('/').LastOrDefault() ?? "";
        var name = segment.EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? segment[..^4] : segment;
        if (!PathSegment.IsSafe(name))
        {
            throw new WorkspaceException($"The repository name '{Printable(name)}' cannot be used as a folder name.");
        }

        return name;
    }

    private static (string User, string Password) SplitUserInfo(string userInfo)
    {
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? (Uri.UnescapeDataString(userInfo), "")
            : (Uri.UnescapeDataString(userInfo[..colon]), Uri.UnescapeDataString(userInfo[(colon + 1)..]));
    }

    private static string SchemeOf(string text) => Printable(text[..text.IndexOf("://", StringComparison.Ordinal)]);

    private static string Printable(string text) =>
        new(text.Select(c => char.IsControl(c) ? '?' : c).Take(PathSegment.MaxLength).ToArray());
}
