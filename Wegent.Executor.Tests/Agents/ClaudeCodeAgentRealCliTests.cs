using System.Diagnostics;
using System.Globalization;
using Wegent.Executor.Agents;

using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Agents;

/// <summary>Needs the real Claude Code CLI: WEGENT_CLAUDE_CLI (a path) or `claude` on PATH.</summary>
public sealed class RealClaudeFactAttribute : FactAttribute
{
    public RealClaudeFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Needs Linux";
        }
        else if (RealClaudeCli.Path is null)
        {
            Skip = "Claude Code CLI not found: set WEGENT_CLAUDE_CLI or put `claude` on PATH";
        }
    }
}

internal static class RealClaudeCli
{
    public static string? Path { get; } = ClaudeCliLocator.Resolve(
        Environment.GetEnvironmentVariable("WEGENT_CLAUDE_CLI") is { Length: > 0 } configured ? configured : "claude",
        Environment.GetEnvironmentVariable("PATH"));
}

public sealed class ClaudeCodeAgentRealCliTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("wegent-real-claude-");

    public void Dispose() => _root.Delete(recursive: true);

    [RealClaudeFact]
    public async Task Real_cli_streams_the_scripted_reply_and_succeeds()
    {
        await using var server = new ScriptedAnthropicServer();
        var observer = new RecordingObserver();

        var outcome = await new ClaudeCodeAgent(Options()).RunAsync(Request(server), observer, CancellationToken.None);

        Assert.True(outcome.Status == AgentOutcomeStatus.Succeeded, outcome.ErrorMessage);
        Assert.Equal("Hello from the scripted model.", outcome.ResultText);
        Assert.Equal("Hello from the scripted model.", observer.Text);
        Assert.IsType<AgentSessionStarted>(observer.Events[0]);
        Assert.False(string.IsNullOrEmpty(outcome.SessionId));
    }

    /// <summary>Issue 12 item 8: as an argument, a 140,000-character system prompt failed the task ("Argument list too
    /// long"); through its file the CLI sends it whole.</summary>
    [RealClaudeFact]
    public async Task Real_cli_gets_a_system_prompt_larger_than_the_argument_limit()
    {
        await using var server = new ScriptedAnthropicServer();
        var systemPrompt = new string('k', 140_000) + " END-OF-SYSTEM-PROMPT";

        var outcome = await new ClaudeCodeAgent(Options()).RunAsync(Request(server) with { SystemPrompt = systemPrompt }, new RecordingObserver(), CancellationToken.None);

        Assert.True(outcome.Status == AgentOutcomeStatus.Succeeded, outcome.ErrorMessage);
        Assert.Contains(systemPrompt, server.LastSystem, StringComparison.Ordinal);
    }

    [RealClaudeFact]
    public async Task Real_cli_asked_to_resume_an_unknown_session_starts_a_fresh_one()
    {
        await using var server = new ScriptedAnthropicServer();
        var request = Request(server) with { ResumeSessionId = Guid.NewGuid().ToString() };

        var outcome = await new ClaudeCodeAgent(Options()).RunAsync(request, new RecordingObserver(), CancellationToken.None);

        Assert.True(outcome.Status == AgentOutcomeStatus.Succeeded, outcome.ErrorMessage);
        Assert.Equal("Hello from the scripted model.", outcome.ResultText);
        Assert.NotEqual(request.ResumeSessionId, outcome.SessionId);
    }

    [RealClaudeFact]
    public async Task Real_cli_cancelled_during_a_bash_sleep_leaves_no_process()
    {
        var seconds = 600_000 + Random.Shared.Next(100_000);
        await using var server = new ScriptedAnthropicServer
        {
            FirstToolUse = ("Bash", $$"""{"command":"sleep {{seconds}}","description":"wait"}"""),
        };
        var observer = new RecordingObserver();
        using var cancel = new CancellationTokenSource();

        var run = new ClaudeCodeAgent(Options()).RunAsync(Request(server), observer, cancel.Token);
        var sleepPid = await Wait.ForValueAsync(() => FindSleep(seconds), "the Bash tool's sleep to start");
        Assert.NotNull(sleepPid);
        await cancel.CancelAsync();
        var outcome = await run;

        Assert.Equal(AgentOutcomeStatus.Cancelled, outcome.Status);
        await ProcessProbe.WaitUntilGoneAsync(sleepPid.Value);
    }

    private static ClaudeCodeAgentOptions Options() => new()
    {
        CliPath = RealClaudeCli.Path!,
        InterruptGracePeriod = TimeSpan.FromSeconds(5),
        MaxApiRetries = 0,
    };

    private AgentRequest Request(ScriptedAnthropicServer server)
    {
        var work = _root.CreateSubdirectory("work").FullName;
        var home = _root.CreateSubdirectory("home").FullName;
        var temp = _root.CreateSubdirectory("tmp").FullName;
        return new AgentRequest
        {
            TaskId = 1,
            SubtaskId = 1,
            Prompt = "Say hello",
            WorkingDirectory = work,
            ConfigDirectory = Path.Combine(_root.FullName, "config"),
            Environment = new Dictionary<string, string?>
            {
                ["ANTHROPIC_BASE_URL"] = server.BaseUrl.TrimEnd('/'),
                ["ANTHROPIC_API_KEY"] = "test-key",
                ["ANTHROPIC_AUTH_TOKEN"] = null,
                ["HOME"] = home,
                ["TMPDIR"] = temp,
                ["CLAUDE_CODE_TMPDIR"] = temp,
            },
        };
    }

    private static int? FindSleep(int seconds)
    {
        var expected = $"sleep\0{seconds}\0";
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(directory, "cmdline")) == expected)
                {
                    return int.Parse(Path.GetFileName(directory), CultureInfo.InvariantCulture);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not a process directory, or gone.
            }
        }

        return null;
    }
}
