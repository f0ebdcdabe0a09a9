namespace Wegent.AppHost;

/// <summary>What the executor of a run is given: the backend, its token (a secret parameter), a home of its own under
/// the run directory, and the Claude Code CLI (looked up at each start). The doctor command runs with the same settings.</summary>
public sealed record ExecutorResourceOptions(string BackendUrl, IResourceBuilder<ParameterResource> Token, string TokenValue, string Home, string Run, Func<string?> ClaudeCli)
{
    /// <summary>Every setting but the token, as they are now.</summary>
    public IEnumerable<(string Name, string? Value)> Environment()
    {
        yield return ("WEGENT_BACKEND_URL", BackendUrl);
        yield return ("WEGENT_EXECUTOR_HOME", Home);
        yield return ("WEGENT_CLAUDE_CLI", ClaudeCli());
        yield return ("CLAUDE_CODE_TMPDIR", Run);
    }
}
