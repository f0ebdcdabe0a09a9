namespace Wegent.Executor.Connection;

public enum ConnectRefusalKind
{
    /// <summary>The configuration is wrong (the token); retrying cannot help.</summary>
    Permanent,

    /// <summary>The backend cannot take the connection right now; retry with backoff, forever.</summary>
    Temporary,

    /// <summary>Too many connect attempts from this address; wait at least <see cref="ConnectRefusal.RateLimitWindow"/>.</summary>
    RateLimited,

    /// <summary>The reason is hidden (an older server's generic refusal, or none): a bad token is likely but not certain.</summary>
    Unexplained,
}

/// <summary>What a namespace connect refusal means and what the user can do about it, from the backend's message
/// (PROTOCOL-RESPONSES.md section 2; PROTOCOL.md section 1 for servers that hide the reason).</summary>
public sealed record ConnectRefusal(ConnectRefusalKind Kind, string Cause, string? Fix)
{
    /// <summary>The backend refuses more than 30 connect attempts from one address within this window.</summary>
    public static readonly TimeSpan RateLimitWindow = TimeSpan.FromSeconds(30);

    private const string SetToken = "set WEGENT_AUTH_TOKEN (in config.env of the executor's home, the environment, or --token)";

    /// <summary>The explanation for the log: the server's message, what it means, and the fix when there is one.</summary>
    public string Describe(string? serverMessage) =>
        $"The backend refused the connection ({serverMessage ?? "no reason given"}): {Cause}" + (Fix is null ? "" : $". Fix: {Fix}");

    public static ConnectRefusal Classify(string? serverMessage) => serverMessage switch
    {
        _ when Says(serverMessage, "Invalid or expired API key") => new(ConnectRefusalKind.Permanent,
            "the API key in WEGENT_AUTH_TOKEN is unknown, inactive, expired, or not a personal key (service keys are refused)",
            $"create a personal API key (wg-...) in Wegent's settings and {SetToken} to it"),
        _ when Says(serverMessage, "Invalid or expired token") => new(ConnectRefusalKind.Permanent,
            "WEGENT_AUTH_TOKEN is not a token this backend issued, or it has expired",
            $"get a new token from this Wegent backend (or use a personal API key, wg-...) and {SetToken} to it"),
        _ when Says(serverMessage, "Missing authentication token") => new(ConnectRefusalKind.Permanent,
            "the backend received no token (a proxy in between may have dropped it)",
            $"{SetToken}, and check that a proxy passes the websocket through unchanged"),
        _ when Says(serverMessage, "Too many device connection attempts") => new(ConnectRefusalKind.RateLimited,
            $"more than 30 connect attempts came from this address within {RateLimitWindow.TotalSeconds:0} s (other executors behind the same address count too)",
            null),
        _ when Says(serverMessage, "Authentication service unavailable") => new(ConnectRefusalKind.Temporary,
            "the backend could not check the token just now (its database is unavailable)", null),
        _ when Says(serverMessage, "Server is shutting down") => new(ConnectRefusalKind.Temporary,
            "the backend is shutting down (a restart or an upgrade)", null),
        _ when Says(serverMessage, "Client disconnected during connection setup") => new(ConnectRefusalKind.Temporary,
            "the connection dropped while the backend was setting it up", null),
        // PROTOCOL.md: any other message about the token is a token refusal.
        _ when Says(serverMessage, "token") || Says(serverMessage, "API key") => new(ConnectRefusalKind.Permanent,
            "the backend does not accept WEGENT_AUTH_TOKEN",
            $"get a valid token or personal API key (wg-...) from this Wegent backend and {SetToken} to it"),
        _ => new(ConnectRefusalKind.Unexplained,
            "the token (WEGENT_AUTH_TOKEN) may be invalid or expired, or the backend is shutting down",
            null),
    };

    private static bool Says(string? serverMessage, string phrase) =>
        serverMessage is not null && serverMessage.Contains(phrase, StringComparison.OrdinalIgnoreCase);
}
