using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Wegent.AppHost.Dashboard;

/// <summary>Aspire-style login: the URL printed at start-up carries a token; opening it sets a cookie. The API also
/// takes the token as a bearer header (for scripts).</summary>
internal sealed class DashboardAuth(string token)
{
    public const string CookieName = "wegent_dashboard";

    public string Token { get; } = token;

    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public bool IsAuthorized(HttpRequest request)
    {
        if (request.Cookies.TryGetValue(CookieName, out var cookie) && Matches(cookie)) return true;
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && Matches(header["Bearer ".Length..]);
    }

    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(Token));

    public static bool NeedsLogin(PathString path) =>
        path == "/" || path.StartsWithSegments("/api", StringComparison.Ordinal);
}
