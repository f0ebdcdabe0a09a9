using System.Text.Json;
using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Tasks;

/// <summary>The model settings a task gives its agent (PROTOCOL.md section 4, <c>agent_config.env</c>).</summary>
public static class AgentEnvironment
{
    private static readonly HashSet<string> UiModelKeys = ["model", "model_id", "api_key", "base_url", "small_model"];

    /// <summary>Values that may arrive encrypted (<see cref="TaskSecrets"/>).</summary>
    private static readonly HashSet<string> SecretKeys = ["api_key", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_API_KEY"];

    /// <param name="executorVariable">Reads the executor's own environment, for <c>${NAME}</c> values and the AES key of
    /// encrypted secrets.</param>
    /// <param name="fallbackApiKey">The executor's own key, used when the task brings no credential.</param>
    public static Dictionary<string, string> Build(BotConfig? bot, Func<string, string?> executorVariable, string? fallbackApiKey)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        var source = bot?.AgentEnv;
        if (source is not null)
        {
            if (source.ContainsKey("model")) AddUiModel(source, env, executorVariable);
            else AddVerbatim(source, env, executorVariable);
        }

        if (!env.ContainsKey("ANTHROPIC_API_KEY") && !env.ContainsKey("ANTHROPIC_AUTH_TOKEN") && !string.IsNullOrEmpty(fallbackApiKey))
        {
            env["ANTHROPIC_API_KEY"] = fallbackApiKey;
        }

        return env;
    }

    private static void AddUiModel(JsonObject source, Dictionary<string, string> env, Func<string, string?> executorVariable)
    {
        string? Read(string key) => ValueOf(key, source[key], executorVariable);
        var modelId = Read("model_id");
        if (modelId is not null)
        {
            env["ANTHROPIC_MODEL"] = modelId;
            env["ANTHROPIC_SMALL_FAST_MODEL"] = Read("small_model") ?? modelId;
            env["ANTHROPIC_DEFAULT_HAIKU_MODEL"] = Read("small_model") ?? modelId;
        }

        if (Read("api_key") is { } apiKey) env["ANTHROPIC_AUTH_TOKEN"] = apiKey;
        if (Read("base_url") is { } baseUrl) env["ANTHROPIC_BASE_URL"] = StripVersionSuffix(baseUrl);
        foreach (var (key, value) in source)
        {
            if (!UiModelKeys.Contains(key) && ValueOf(key, value, executorVariable) is { } text) env[key] = text;
        }
    }

    private static void AddVerbatim(JsonObject source, Dictionary<string, string> env, Func<string, string?> executorVariable)
    {
        foreach (var (key, value) in source)
        {
            if (ValueOf(key, value, executorVariable) is { } text) env[key] = text;
        }
    }

    private static string? ValueOf(string key, JsonNode? node, Func<string, string?> executorVariable)
    {
        if (node is not JsonValue value) return null;
        var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        if (text.StartsWith("${", StringComparison.Ordinal) && text.EndsWith('}') && !text.StartsWith("${{", StringComparison.Ordinal))
        {
            return executorVariable(text[2..^1]);
        }

        return SecretKeys.Contains(key) ? TaskSecrets.Decrypt(text, executorVariable) : text;
    }

    private static string StripVersionSuffix(string baseUrl)
    {
        var trimmed = baseUrl.TrimEnd('/');
        return trimmed.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) ? trimmed[..^3] : trimmed;
    }
}
