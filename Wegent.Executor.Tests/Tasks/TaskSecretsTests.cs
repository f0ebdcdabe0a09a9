using System.Security.Cryptography;
using System.Text;
using Wegent.Executor.Tasks;

namespace Wegent.Executor.Tests.Tasks;

public class TaskSecretsTests
{
    private static string? NoVariables(string name) => null;

    /// <summary>What the backend does: AES-256-CBC, PKCS7, UTF-8 key and IV, base64.</summary>
    private static string Encrypt(string plain, string key = TaskSecrets.DefaultKey, string iv = TaskSecrets.DefaultIv)
    {
        using var aes = Aes.Create();
        aes.Key = Encoding.UTF8.GetBytes(key);
        return Convert.ToBase64String(aes.EncryptCbc(Encoding.UTF8.GetBytes(plain), Encoding.UTF8.GetBytes(iv), PaddingMode.PKCS7));
    }

    [Theory]
    [InlineData("sk-ant-api03-token")]
    [InlineData("ghp_exactly16char")]
    [InlineData("ключ-with-ünïcode")]
    public void Decrypts_a_value_encrypted_with_the_default_key_and_iv(string plain)
    {
        Assert.Equal(plain, TaskSecrets.Decrypt(Encrypt(plain), NoVariables));
    }

    [Fact]
    public void Uses_the_key_and_iv_from_the_executors_environment()
    {
        const string key = "abcdefghijklmnopqrstuvwxyz012345";
        const string iv = "0123456789abcdef";
        var variables = new Dictionary<string, string> { [TaskSecrets.KeyVariable] = key, [TaskSecrets.IvVariable] = iv };

        Assert.Equal("secret", TaskSecrets.Decrypt(Encrypt("secret", key, iv), name => variables.GetValueOrDefault(name)));
    }

    [Fact]
    public void A_value_encrypted_with_another_key_is_used_as_given()
    {
        var encrypted = Encrypt("secret", key: "zyxwvutsrqponmlkjihgfedcba543210");

        Assert.Equal(encrypted, TaskSecrets.Decrypt(encrypted, NoVariables));
    }

    [Theory]
    [InlineData("sk-ant-plain-key")] // not base64
    [InlineData("")]
    [InlineData("QUJD")] // base64 of 3 bytes: not a whole block
    [InlineData("QUJDREVGR0hJSktMTU5PUA==")] // 16 bytes of text, not a cipher text: bad padding
    public void A_value_that_is_not_an_encrypted_secret_is_used_as_given(string value)
    {
        Assert.Equal(value, TaskSecrets.Decrypt(value, NoVariables));
    }

    [Fact]
    public void A_key_of_the_wrong_length_leaves_the_value_as_given()
    {
        var encrypted = Encrypt("secret");

        Assert.Equal(encrypted, TaskSecrets.Decrypt(encrypted, name => name == TaskSecrets.KeyVariable ? "short" : null));
    }
}
