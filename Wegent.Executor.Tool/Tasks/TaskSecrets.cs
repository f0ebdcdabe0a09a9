using System.Security.Cryptography;
using System.Text;

namespace Wegent.Executor.Tasks;

/// <summary>Secrets in a task payload (<c>api_key</c>, <c>user.git_token</c>) may arrive AES-256-CBC encrypted by the
/// backend (PROTOCOL.md section 4). A value that does not decrypt is used as given.</summary>
public static class TaskSecrets
{
    public const string KeyVariable = "GIT_TOKEN_AES_KEY";
    public const string IvVariable = "GIT_TOKEN_AES_IV";
    /// <summary>The backend's published defaults, used when the executor's environment sets no key or IV.</summary>
    public const string DefaultKey = "12345678901234567890123456789012";
    public const string DefaultIv = "1234567890123456";

    private const int BlockSize = 16;

    /// <summary>The plain text of <paramref name="value"/> when it is base64 of an AES-256-CBC/PKCS7 cipher text under
    /// the configured key and IV, else <paramref name="value"/> unchanged.</summary>
    /// <param name="environment">Reads the executor's environment, for <see cref="KeyVariable"/> and <see cref="IvVariable"/>.</param>
    public static string Decrypt(string value, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(environment);
        if (!LooksEncrypted(value, out var cipherText)) return value;

        var key = Encoding.UTF8.GetBytes(NonEmpty(environment(KeyVariable)) ?? DefaultKey);
        var iv = Encoding.UTF8.GetBytes(NonEmpty(environment(IvVariable)) ?? DefaultIv);
        if (key.Length != 32 || iv.Length != BlockSize) return value;

        try
        {
            using var aes = Aes.Create();
            aes.Key = key;
            var plain = aes.DecryptCbc(cipherText, iv, PaddingMode.PKCS7);
            return DecodeText(plain) ?? value;
        }
        catch (CryptographicException)
        {
            return value;
        }
    }

    private static bool LooksEncrypted(string value, out byte[] cipherText)
    {
        cipherText = [];
        var buffer = new byte[value.Length];
        if (value.Length == 0 || !Convert.TryFromBase64String(value, buffer, out var length)) return false;
        if (length == 0 || length % BlockSize != 0) return false;
        cipherText = buffer[..length];
        return true;
    }

    /// <summary>A wrong key can still yield valid padding by chance; the garbage is then not UTF-8 text.</summary>
    private static string? DecodeText(byte[] plain)
    {
        try
        {
            var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(plain);
            return text.Any(char.IsControl) ? null : text;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
