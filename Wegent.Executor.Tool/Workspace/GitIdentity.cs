using System.Text.Json;
using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Workspace;

/// <summary>Who the task's git work is done as, from the payload's <c>user</c> object.</summary>
public sealed record GitIdentity(string? Login, string? Name, string? Email, string? Token, string? Domain)
{
    /// <param name="decryptSecret">Turns an encrypted <c>git_token</c> into the token (identity for a plain one).</param>
    public static GitIdentity From(TaskRequest request, Func<string?, string?> decryptSecret)
    {
        var user = request.Raw["user"] as JsonObject;
        string? Text(JsonObject? owner, string key) => owner?[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String
            && PayloadReader.TryGetString(v, out var s) && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;

        var login = Text(user, "git_login");
        return new GitIdentity(
            login,
            // January payloads name the user in user.user_name; newer ones in user.name and the top-level user_name.
            login ?? Text(user, "user_name") ?? Text(user, "name") ?? Text(request.Raw, "user_name"),
            Text(user, "git_email"),
            decryptSecret(Text(user, "git_token")) is { Length: > 0 } token ? token : null,
            Text(user, "git_domain"));
    }

    /// <summary>Whether the token may be offered to <paramref name="host"/>: when the user's git domain is known, only there.</summary>
    public bool TokenBelongsTo(string host)
    {
        if (Domain is null) return true;
        var domain = Domain.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(Domain, UriKind.Absolute, out var uri)
            ? uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}"
            : Domain.TrimEnd('/');
        return string.Equals(domain, host, StringComparison.OrdinalIgnoreCase)
            || string.Equals(domain, host.Split(':')[0], StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Never print the token with the record.</summary>
    public override string ToString() => $"GitIdentity {{ Login = {Login}, Name = {Name}, Email = {Email}, Domain = {Domain} }}";
}
