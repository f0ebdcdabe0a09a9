using Wegent.Executor.Connection;

namespace Wegent.Executor.Tests.Connection;

public class ConnectRefusalTests
{
    [Theory]
    [InlineData("Invalid or expired token", ConnectRefusalKind.Permanent)]
    [InlineData("Invalid or expired API key", ConnectRefusalKind.Permanent)]
    [InlineData("Missing authentication token", ConnectRefusalKind.Permanent)]
    [InlineData("Token has been revoked", ConnectRefusalKind.Permanent)]
    [InlineData("Too many device connection attempts", ConnectRefusalKind.RateLimited)]
    [InlineData("Authentication service unavailable", ConnectRefusalKind.Temporary)]
    [InlineData("Server is shutting down", ConnectRefusalKind.Temporary)]
    [InlineData("Client disconnected during connection setup", ConnectRefusalKind.Temporary)]
    [InlineData("Connection refused by server", ConnectRefusalKind.Unexplained)]
    [InlineData("something new", ConnectRefusalKind.Unexplained)]
    [InlineData(null, ConnectRefusalKind.Unexplained)]
    public void The_server_s_message_decides_whether_to_stop_wait_or_retry(string? message, ConnectRefusalKind kind) =>
        Assert.Equal(kind, ConnectRefusal.Classify(message).Kind);

    [Fact]
    public void Every_permanent_refusal_names_a_fix()
    {
        foreach (var message in new[] { "Invalid or expired token", "Invalid or expired API key", "Missing authentication token", "Token has been revoked" })
        {
            var refusal = ConnectRefusal.Classify(message);
            Assert.Contains("WEGENT_AUTH_TOKEN", refusal.Fix, StringComparison.Ordinal);
            Assert.Contains($"({message}): ", refusal.Describe(message), StringComparison.Ordinal);
        }
    }
}
