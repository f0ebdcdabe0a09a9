using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Wegent.Executor.Configuration;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Tasks;

/// <summary>
/// The model settings a task gives its agent: <c>bot[0].agent_config.env</c> (PROTOCOL.md section 4), the newer backend's
/// top-level <c>model_config</c> and its <c>env</c> (PROTOCOL-RESPONSES.md section 5), merged in that order, the later
/// winning. A task's bot is not the device owner's own (bots are shared), so:
/// <list type="bullet">
/// <item><c>${NAME}</c> is filled only for <c>ANTHROPIC_*</c>, <c>CLAUDE_*</c> and names the owner allowed
/// (<see cref="AgentRequestBuilderOptions.AllowedVariables"/>), never with one of the executor's own settings or secrets;</item>
/// <item>the owner's model credential goes only to the owner's model endpoint: a task that names another endpoint
/// gets it removed, also from the environment the agent inherits;</item>
/// <item>variables that change how programs start or where their traffic goes (<see cref="IsReserved"/>) are not
/// taken from a task.</item>
/// </list>
/// </summary>
public static partial class AgentEnvironment
{
    /// <summary>The endpoint the owner's key is for unless the <c>ANTHROPIC_BASE_URL</c> setting names another.</summary>
    public const string DefaultOwnerBaseUrl = "https://api.anthropic.com";

    private const string ApiKey = "ANTHROPIC_API_KEY";
    private const string AuthToken = "ANTHROPIC_AUTH_TOKEN";
    private const string BaseUrl = "ANTHROPIC_BASE_URL";
    private const string CustomHeaders = "ANTHROPIC_CUSTOM_HEADERS";

    /// <summary>The device owner's model credentials, as the CLI reads them from its environment.</summary>
    private static readonly string[] OwnerCredentials = [ApiKey, AuthToken];

    /// <summary>Values that may arrive encrypted (<see cref="TaskSecrets"/>).</summary>
    private static readonly HashSet<string> SecretKeys = ["api_key", AuthToken, ApiKey];

    private static readonly string[] ReservedPrefixes = ["WEGENT_", "LD_", "DYLD_", "NODE_", "GIT_", "SSL_CERT_"];
    private static readonly HashSet<string> ReservedNames =
        ["PATH", "HOME", "SHELL", "BASH_ENV", "ENV", "CLAUDE_CONFIG_DIR", "CLAUDE_CODE_TMPDIR", "IS_SANDBOX"];

    /// <param name="bot">bot[0], with <c>agent_config.env</c> as sent (UI shape or YAML <c>ANTHROPIC_*</c> keys).</param>
    /// <param name="modelConfig">The payload's top-level <c>model_config</c>, when the backend sends one.</param>
    /// <returns>Variables to set (value) or to remove from the inherited environment (null).</returns>
    public static Dictionary<string, string?> Build(BotConfig? bot, JsonObject? modelConfig, AgentRequestBuilderOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var merged = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        Merge(merged, bot?.AgentEnv);
        Merge(merged, modelConfig, except: "env");
        Merge(merged, modelConfig?["env"] as JsonObject);

        var resolver = new ValueResolver(settings);
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, node) in merged)
        {
            if (IsVariableName(key) && !IsReserved(key) && resolver.Resolve(key, node) is { } value) env[key] = value;
        }

        AddFlatModelFields(merged, env, resolver);
        GuardOwnerCredentials(env, settings);
        return env;
    }

    /// <summary>Names a task may not set: the executor's own (<c>WEGENT_*</c>), the loader's and runtimes' start-up hooks
    /// (<c>LD_*</c>, <c>NODE_*</c>, <c>BASH_ENV</c>...), where programs are found, proxies and trusted certificates (they
    /// would route the owner's key), git's and the agent's own plumbing.</summary>
    public static bool IsReserved(string name) =>
        ReservedNames.Contains(name)
        || ReservedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal))
        || name.EndsWith("_PROXY", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether two model base URLs name the same endpoint (scheme, host, port and path; a trailing
    /// <c>/v1</c> or slash does not count).</summary>
    public static bool SameEndpoint(string first, string second) =>
        Normalize(first) is { } a && Normalize(second) is { } b && a == b;

    private static void Merge(Dictionary<string, JsonNode?> merged, JsonObject? source, string? except = null)
    {
        if (source is null) return;
        foreach (var (key, value) in source)
        {
            if (key != except && value is not null) merged[key] = value;
        }
    }

    /// <summary>The UI model shape (<c>model_id</c>, <c>api_key</c>, <c>base_url</c>, <c>small_model</c>,
    /// <c>default_headers</c>) fills what explicit <c>ANTHROPIC_*</c> keys leave open.</summary>
    private static void AddFlatModelFields(Dictionary<string, JsonNode?> merged, Dictionary<string, string?> env, ValueResolver resolver)
    {
        string? Read(string key) => merged.TryGetValue(key, out var node) ? resolver.Resolve(key, node) : null;
        if (Read("model_id") is { Length: > 0 } modelId)
        {
            var small = Read("small_model") ?? modelId;
            env.TryAdd("ANTHROPIC_MODEL", modelId);
            env.TryAdd("ANTHROPIC_SMALL_FAST_MODEL", small);
            env.TryAdd("ANTHROPIC_DEFAULT_HAIKU_MODEL", small);
        }

        if (Read("api_key") is { Length: > 0 } apiKey && !env.ContainsKey(ApiKey)) env.TryAdd(AuthToken, apiKey);
        if (Read("base_url") is { Length: > 0 } baseUrl) env.TryAdd(BaseUrl, StripVersionSuffix(baseUrl));
        if (merged.TryGetValue("default_headers", out var headers) && HeaderLines(headers) is { Length: > 0 } lines) env.TryAdd(CustomHeaders, lines);
    }

    /// <summary>The owner's credential stays with the owner's endpoint; a task that brings none is given the owner's key
    /// and endpoint.</summary>
    private static void GuardOwnerCredentials(Dictionary<string, string?> env, AgentRequestBuilderOptions settings)
    {
        var ownerBaseUrl = settings.OwnerBaseUrl ?? DefaultOwnerBaseUrl;
        var foreign = env.Any(kv => kv.Key.EndsWith("_BASE_URL", StringComparison.Ordinal) && kv.Value is not null
            && !(kv.Key == BaseUrl && SameEndpoint(kv.Value, ownerBaseUrl)));
        if (foreign)
        {
            // Whatever key a task put the owner's credential under (e.g. as ${ANTHROPIC_API_KEY}), it does not go along.
            var ownerSecrets = OwnerSecrets(settings);
            foreach (var key in env.Where(kv => kv.Value is not null && ownerSecrets.Contains(kv.Value)).Select(kv => kv.Key).ToList()) env.Remove(key);
            foreach (var credential in OwnerCredentials) env.TryAdd(credential, null);
            return;
        }

        if (settings.OwnerBaseUrl is not null) env.TryAdd(BaseUrl, settings.OwnerBaseUrl);
        if (!env.ContainsKey(ApiKey) && !env.ContainsKey(AuthToken) && !string.IsNullOrEmpty(settings.FallbackApiKey))
        {
            env[ApiKey] = settings.FallbackApiKey;
        }
    }

    private static HashSet<string> OwnerSecrets(AgentRequestBuilderOptions settings) =>
        new string?[] { settings.FallbackApiKey, settings.ExecutorVariable(ApiKey), settings.ExecutorVariable(AuthToken) }
            .Where(secret => !string.IsNullOrEmpty(secret)).ToHashSet(StringComparer.Ordinal)!;

    private static string? Normalize(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Host.Length == 0) return null;
        var path = StripVersionSuffix(uri.AbsolutePath);
        return $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}{path}".ToLowerInvariant();
    }

    private static string StripVersionSuffix(string baseUrl)
    {
        var trimmed = baseUrl.TrimEnd('/');
        return trimmed.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) ? trimmed[..^3] : trimmed;
    }

    /// <summary><c>default_headers</c> as an object or JSON text, as the CLI's <c>Name: value</c> lines; line breaks
    /// inside a name or value would add headers of their own, so such entries are left out.</summary>
    private static string? HeaderLines(JsonNode? headers)
    {
        if (headers is JsonValue text && text.GetValueKind() == JsonValueKind.String)
        {
            try
            {
                headers = JsonNode.Parse(text.GetValue<string>());
            }
            catch (JsonException)
            {
                return null;
            }
        }

        if (headers is not JsonObject map) return null;
        var lines = map
            .Where(kv => kv.Value is JsonValue && kv.Key.Trim().Length > 0)
            .Select(kv => (Name: kv.Key.Trim(), Value: kv.Value!.GetValueKind() == JsonValueKind.String ? kv.Value.GetValue<string>() : kv.Value.ToJsonString()))
            .Where(h => !h.Name.Any(char.IsControl) && !h.Value.Any(c => c is '\r' or '\n'))
            .Select(h => $"{h.Name}: {h.Value}");
        return string.Join('\n', lines);
    }

    private static bool IsVariableName(string key) => VariableName().IsMatch(key);

    [GeneratedRegex("^[A-Z][A-Z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableName();

    /// <summary>Turns one value of the task into text: <c>${NAME}</c> from the executor's environment where allowed,
    /// encrypted secrets decrypted, numbers and booleans as JSON text.</summary>
    private sealed class ValueResolver(AgentRequestBuilderOptions settings)
    {
        private static readonly HashSet<string> ExecutorSettings =
            KnownSettings.All.Select(s => s.EnvironmentVariable).ToHashSet(StringComparer.Ordinal);

        public string? Resolve(string key, JsonNode? node)
        {
            if (node is not JsonValue value) return null;
            var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
            if (text.StartsWith("${", StringComparison.Ordinal) && text.EndsWith('}') && !text.StartsWith("${{", StringComparison.Ordinal))
            {
                return Variable(text[2..^1]);
            }

            return SecretKeys.Contains(key) ? TaskSecrets.Decrypt(text, settings.ExecutorVariable) : text;
        }

        private string? Variable(string name)
        {
            // The owner's credential is filled like any other here; GuardOwnerCredentials decides where it may go.
            if (name == ApiKey) return settings.FallbackApiKey ?? settings.ExecutorVariable(name);
            if (name == AuthToken) return settings.ExecutorVariable(name);
            return IsAllowed(name) ? settings.ExecutorVariable(name) : null;
        }

        private bool IsAllowed(string name) =>
            !ExecutorSettings.Contains(name) && !IsReserved(name)
            && (name.StartsWith("ANTHROPIC_", StringComparison.Ordinal) || name.StartsWith("CLAUDE_", StringComparison.Ordinal)
                || settings.AllowedVariables.Contains(name));
    }
}
