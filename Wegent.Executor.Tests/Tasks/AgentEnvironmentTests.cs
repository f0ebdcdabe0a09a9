using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;

namespace Wegent.Executor.Tests.Tasks;

public class AgentEnvironmentTests
{
    private static BotConfig Bot(string env) => new() { AgentEnv = JsonNode.Parse(env)!.AsObject() };

    private static string? NoVariables(string name) => null;

    [Fact]
    public void Maps_a_ui_model_to_anthropic_variables()
    {
        var env = AgentEnvironment.Build(
            Bot("""{"model": "claude", "model_id": "m-1", "api_key": "k", "base_url": "https://api.example/v1/", "extra": "x"}"""),
            NoVariables, null);

        Assert.Equal("m-1", env["ANTHROPIC_MODEL"]);
        Assert.Equal("m-1", env["ANTHROPIC_SMALL_FAST_MODEL"]);
        Assert.Equal("m-1", env["ANTHROPIC_DEFAULT_HAIKU_MODEL"]);
        Assert.Equal("k", env["ANTHROPIC_AUTH_TOKEN"]);
        Assert.Equal("https://api.example", env["ANTHROPIC_BASE_URL"]);
        Assert.Equal("x", env["extra"]);
        Assert.False(env.ContainsKey("model_id"));
    }

    [Fact]
    public void Uses_a_yaml_model_verbatim_and_resolves_executor_variables()
    {
        var env = AgentEnvironment.Build(
            Bot("""{"ANTHROPIC_MODEL": "m", "ANTHROPIC_AUTH_TOKEN": "${MY_KEY}", "ANTHROPIC_BASE_URL": "http://h/v1"}"""),
            name => name == "MY_KEY" ? "secret" : null, "fallback");

        Assert.Equal("m", env["ANTHROPIC_MODEL"]);
        Assert.Equal("secret", env["ANTHROPIC_AUTH_TOKEN"]);
        Assert.Equal("http://h/v1", env["ANTHROPIC_BASE_URL"]);
        Assert.False(env.ContainsKey("ANTHROPIC_API_KEY"));
    }

    [Fact]
    public void Falls_back_to_the_executors_own_key_when_the_task_brings_none()
    {
        var env = AgentEnvironment.Build(Bot("""{"ANTHROPIC_MODEL": "m"}"""), NoVariables, "own-key");

        Assert.Equal("own-key", env["ANTHROPIC_API_KEY"]);
    }

    [Fact]
    public void Decrypts_an_encrypted_api_key_and_auth_token()
    {
        var encrypted = Encrypt("real-key");

        var ui = AgentEnvironment.Build(Bot($$"""{"model": "claude", "model_id": "m", "api_key": "{{encrypted}}"}"""), NoVariables, null);
        var yaml = AgentEnvironment.Build(Bot($$"""{"ANTHROPIC_AUTH_TOKEN": "{{encrypted}}", "OTHER": "{{encrypted}}"}"""), NoVariables, null);

        Assert.Equal("real-key", ui["ANTHROPIC_AUTH_TOKEN"]);
        Assert.Equal("real-key", yaml["ANTHROPIC_AUTH_TOKEN"]);
        Assert.Equal(encrypted, yaml["OTHER"]);
    }

    private static string Encrypt(string plain)
    {
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = System.Text.Encoding.UTF8.GetBytes(TaskSecrets.DefaultKey);
        var cipher = aes.EncryptCbc(System.Text.Encoding.UTF8.GetBytes(plain), System.Text.Encoding.UTF8.GetBytes(TaskSecrets.DefaultIv),
            System.Security.Cryptography.PaddingMode.PKCS7);
        return Convert.ToBase64String(cipher);
    }
}
