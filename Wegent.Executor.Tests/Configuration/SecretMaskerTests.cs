using Wegent.Executor.Configuration;

namespace Wegent.Executor.Tests.Configuration;

public sealed class SecretMaskerTests
{
    [Fact]
    public void Masks_every_occurrence_of_every_registered_secret()
    {
        var masker = new SecretMasker();
        masker.Register("s3cr3t-token");
        masker.Register("api-key-1");

        var masked = masker.Mask("token s3cr3t-token, again s3cr3t-token, Bearer api-key-1");

        Assert.Equal("token ***, again ***, Bearer ***", masked);
    }

    [Fact]
    public void Masks_the_url_escaped_form_too()
    {
        var masker = new SecretMasker();
        masker.Register("a+b/c=d");

        Assert.Equal("?token=***", masker.Mask("?token=" + Uri.EscapeDataString("a+b/c=d")));
    }

    [Fact]
    public void Ignores_secrets_shorter_than_four_characters()
    {
        var masker = new SecretMasker();
        masker.Register("abc");
        masker.Register(null);
        masker.Register("");

        Assert.Equal("abc abc", masker.Mask("abc abc"));
    }

    [Fact]
    public void A_secret_containing_another_is_masked_whole()
    {
        var masker = new SecretMasker();
        masker.Register("abcd");
        masker.Register("xxabcdxx");

        Assert.Equal("*** ***", masker.Mask("xxabcdxx abcd"));
    }

    [Fact]
    public void For_options_registers_token_and_api_key()
    {
        var options = new ExecutorOptions
        {
            BackendUrl = new Uri("http://localhost"),
            AuthToken = "the-auth-token",
            AnthropicApiKey = "sk-ant-key",
            Home = "h",
            WorkspaceRoot = "w",
            LogDirectory = "l",
        };

        Assert.Equal("*** ***", SecretMasker.For(options).Mask("the-auth-token sk-ant-key"));
    }

    [Theory]
    [InlineData("abcdefgh12345", "abcd***")]
    [InlineData("short", "***")]
    [InlineData("", "***")]
    [InlineData(null, "***")]
    public void MaskValue_shows_at_most_a_four_character_prefix(string? secret, string expected)
    {
        Assert.Equal(expected, SecretMasker.MaskValue(secret));
    }
}
