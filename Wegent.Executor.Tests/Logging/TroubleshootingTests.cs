using Wegent.Executor.Logging;

namespace Wegent.Executor.Tests.Logging;

public sealed class TroubleshootingTests
{
    private static readonly string Nl = Environment.NewLine;

    [Fact]
    public void Connection_failed_block_names_the_backend_to_check()
    {
        var block = Troubleshooting.ConnectionFailed(new Uri("http://backend:8000/some/path"));

        Assert.Equal(
            $"Failed to connect to Backend WebSocket{Nl}Check:{Nl}1. The Backend is running: curl http://backend:8000/{Nl}"
            + $"2. WEGENT_BACKEND_URL is correct (it should start with http://, not wss://){Nl}3. WEGENT_AUTH_TOKEN is set{Nl}",
            block);
    }

    [Fact]
    public void Agent_initialization_failed_block_includes_the_reason_when_given()
    {
        var block = Troubleshooting.AgentInitializationFailed("claude not found");

        Assert.Equal(
            $"Agent initialization failed: claude not found{Nl}Check:{Nl}1. ANTHROPIC_API_KEY is set{Nl}2. The network can reach the Anthropic API{Nl}",
            block);
    }

    [Fact]
    public void File_logging_failed_block_names_directory_and_reason()
    {
        Assert.Equal(
            $"Failed to setup file logging: disk full{Nl}Check:{Nl}1. The log directory some-logs is writable{Nl}2. There is enough disk space{Nl}",
            Troubleshooting.FileLoggingFailed("some-logs", "disk full"));
    }
}
