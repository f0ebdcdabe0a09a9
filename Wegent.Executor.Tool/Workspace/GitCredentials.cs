namespace Wegent.Executor.Workspace;

/// <summary>Gives git the user's token through the environment only: an inline credential helper, configured by
/// <c>GIT_CONFIG_*</c> variables and scoped to the repository's <c>scheme://host</c>, prints the token from a variable.
/// So the token is never in an argument list (the helper's text names the variable, not the value), never in the
/// clone URL and never in <c>.git/config</c>. Other credential helpers are switched off for that run, so a stale
/// stored password cannot win over the task's token. System and global git config are otherwise kept (proxies, CA
/// bundles, url rewrites are the user's to set).</summary>
public static class GitCredentials
{
    public const string UserVariable = "WEGENT_GIT_USERNAME";
    public const string TokenVariable = "WEGENT_GIT_TOKEN";

    /// <summary>User name sent with a token when the task names no git login. GitLab wants it for OAuth tokens; GitHub
    /// and Gitea ignore the user name when the password is a token.</summary>
    public const string DefaultUser = "oauth2";

    private const string Helper = "!f() { test \"$1\" = get || exit 0; printf 'username=%s\\npassword=%s\\n' \"$" + UserVariable + "\" \"$" + TokenVariable + "\"; }; f";

    /// <summary>The variables for one git run that may authenticate to <paramref name="scope"/>.</summary>
    public static IReadOnlyDictionary<string, string?> Environment(string scope, string? user, string token) =>
        new Dictionary<string, string?>
        {
            ["GIT_CONFIG_COUNT"] = "2",
            ["GIT_CONFIG_KEY_0"] = "credential.helper",
            ["GIT_CONFIG_VALUE_0"] = "",
            ["GIT_CONFIG_KEY_1"] = $"credential.{scope}.helper",
            ["GIT_CONFIG_VALUE_1"] = Helper,
            [UserVariable] = string.IsNullOrWhiteSpace(user) ? DefaultUser : user,
            [TokenVariable] = token,
            ["GIT_ASKPASS"] = null,
            ["SSH_ASKPASS"] = null,
        };
}
