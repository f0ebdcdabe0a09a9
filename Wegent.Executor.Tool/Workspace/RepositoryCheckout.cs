using System.Globalization;
using Serilog;
using Wegent.Executor.Configuration;

namespace Wegent.Executor.Workspace;

/// <summary>Puts a task's repository at <c>{task_dir}/repo/{repo_name}</c>, apart from the executor's own folders (a
/// repository named <c>.claude</c> once landed on the agent's config): cloned once (into a temporary folder, moved into
/// place only when complete), then reused as it is by follow-ups. A checkout an older version made at
/// <c>{task_dir}/{repo_name}</c> is reused too, unless it landed on the executor's <c>.claude</c> or <c>attachments</c>.</summary>
public sealed class RepositoryCheckout(GitCommand git, TimeSpan timeout, ILogger logger)
{
    /// <summary>Where the commit the task started from is kept, so follow-ups diff against the same base.</summary>
    public const string BaseCommitFileName = ".wegent_base_commit";

    /// <returns>The checkout directory.</returns>
    /// <exception cref="WorkspaceException">The clone failed; the message (token masked) is for the user.</exception>
    public async Task<string> EnsureAsync(string taskDirectory, RepositoryUrl url, string? branch, GitIdentity identity, CancellationToken cancellationToken)
    {
        var repositories = Path.Combine(taskDirectory, WorkspaceLayout.RepositoriesFolderName);
        var checkout = Path.Combine(repositories, url.Name);
        foreach (var existing in (string[])[checkout, Path.Combine(taskDirectory, url.Name)])
        {
            // Older versions checked out beside .claude/ and attachments/, and a repository of either name over them.
            if (IsCheckout(existing) && (existing == checkout || url.Name is not (WorkspaceLayout.AgentConfigFolderName or WorkspaceLayout.AttachmentsFolderName)))
            {
                logger.Information("Reusing the checkout of {Repository} in {Directory}", url.Name, existing);
                return existing;
            }
        }

        if (Path.Exists(checkout) || WorkspaceLayout.IsLink(checkout))
        {
            throw new WorkspaceException($"{checkout} exists but is not a git checkout; remove it or start a new task.");
        }

        if (branch is not null && (branch.StartsWith('-') || branch.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))))
        {
            throw new WorkspaceException("branch_name is not a valid branch name.");
        }

        var masker = new SecretMasker();
        var token = identity.Token ?? url.EmbeddedPassword;
        masker.Register(token);
        var environment = CredentialEnvironment(url, identity, token);
        Directory.CreateDirectory(repositories);
        var staging = Path.Combine(repositories, $".clone-{url.Name}-{Guid.NewGuid():N}");
        string[] arguments = branch is null
            ? ["clone", "--no-recurse-submodules", "--", url.CloneUrl, staging]
            : ["clone", "--no-recurse-submodules", "--branch=" + branch, "--single-branch", "--", url.CloneUrl, staging];

        logger.Information("Cloning {Url}{Branch} into {Directory}", url.CloneUrl, branch is null ? "" : " branch " + branch, checkout);
        try
        {
            var result = await git.RunAsync(arguments, taskDirectory, timeout, cancellationToken, environment).ConfigureAwait(false);
            if (!result.Succeeded) throw new WorkspaceException(CloneFailure(url, branch, result, masker));
            await ConfigureAsync(staging, identity, cancellationToken).ConfigureAwait(false);
            var head = await git.RunAsync(["rev-parse", "HEAD"], staging, timeout, cancellationToken).ConfigureAwait(false);
            if (head.Succeeded) PrivateFile.Write(Path.Combine(taskDirectory, BaseCommitFileName), head.Output.Trim());
            Directory.Move(staging, checkout);
        }
        finally
        {
            DeleteQuietly(staging);
            if (!Directory.Exists(checkout) && !Directory.EnumerateFileSystemEntries(repositories).Any()) DeleteQuietly(repositories);
        }

        logger.Information("Cloned {Repository}", url.Name);
        return checkout;
    }

    /// <summary>A real folder (not a link) with a <c>.git</c> directory.</summary>
    private static bool IsCheckout(string directory) =>
        !WorkspaceLayout.IsLink(directory) && Directory.Exists(Path.Combine(directory, ".git")) && !WorkspaceLayout.IsLink(Path.Combine(directory, ".git"));

    private static Dictionary<string, string?>? CredentialEnvironment(RepositoryUrl url, GitIdentity identity, string? token)
    {
        if (token is null || !url.IsHttp) return null;
        if (!identity.TokenBelongsTo(url.Host)) return null;
        return new Dictionary<string, string?>(GitCredentials.Environment(url.CredentialScope, identity.Login, token));
    }

    private async Task ConfigureAsync(string checkout, GitIdentity identity, CancellationToken cancellationToken)
    {
        if (identity.Name is { } name) await SetAsync(checkout, "user.name", name, cancellationToken).ConfigureAwait(false);
        if (identity.Email is { } email) await SetAsync(checkout, "user.email", email, cancellationToken).ConfigureAwait(false);
    }

    private async Task SetAsync(string checkout, string key, string value, CancellationToken cancellationToken)
    {
        var result = await git.RunAsync(["config", "--local", key, value], checkout, timeout, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded) logger.Warning("Could not set git {Key} in {Directory}: {Error}", key, checkout, result.Error.Trim());
    }

    private string CloneFailure(RepositoryUrl url, string? branch, GitResult result, SecretMasker masker)
    {
        if (result.TimedOut)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"Cloning {url.CloneUrl} took longer than {timeout.TotalSeconds:0} s (LOCAL_GIT_TIMEOUT) and was stopped.");
        }

        var error = masker.Mask(result.Error.Trim());
        if (branch is not null && error.Contains("not found in upstream", StringComparison.Ordinal))
        {
            return $"Branch '{branch}' does not exist in {url.CloneUrl}.";
        }

        if (error.Contains("Authentication failed", StringComparison.Ordinal) || error.Contains("could not read Username", StringComparison.Ordinal)
            || error.Contains("could not read Password", StringComparison.Ordinal))
        {
            return $"Authentication to {url.Host} failed while cloning {url.Name}: check the git token of your account for {url.Host}. git said: {Last(error)}";
        }

        return $"Could not clone {url.CloneUrl} (git exit code {result.ExitCode}): {Last(error)}";
    }

    /// <summary>git's last lines hold the reason; progress lines before them do not help.</summary>
    private static string Last(string error)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("Cloning into", StringComparison.Ordinal)).TakeLast(5);
        var text = string.Join(" ", lines);
        return text.Length == 0 ? "no message" : Protocol.TextShortener.Shorten(text, 1_000);
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover staging folder is never reused: the next clone picks a new name.
        }
    }
}
