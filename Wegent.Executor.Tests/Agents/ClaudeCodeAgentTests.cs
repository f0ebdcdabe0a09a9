using System.Diagnostics;
using Wegent.Executor.Agents;

namespace Wegent.Executor.Tests.Agents;

public sealed class ClaudeCodeAgentTests : IDisposable
{
    private readonly FakeClaudeCli _cli = new();
    private readonly RecordingObserver _observer = new();

    public void Dispose() => _cli.Dispose();

    [LinuxFact]
    public async Task Success_streams_text_and_tool_events_and_succeeds()
    {
        var outcome = await new ClaudeCodeAgent(_cli.Options).RunAsync(_cli.Request("success"), _observer, CancellationToken.None);

        Assert.Equal(AgentOutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal("All done.", outcome.ResultText);
        Assert.Null(outcome.ErrorMessage);
        Assert.Equal("fake-session-1", outcome.SessionId);
        Assert.Equal(2, outcome.NumTurns);
        Assert.Equal("Running it.\n\nAll done.", _observer.Text);
        Assert.Equal(
            [typeof(AgentSessionStarted), typeof(AgentTextDelta), typeof(AgentToolUse), typeof(AgentToolResult), typeof(AgentTextDelta)],
            _observer.Events.Select(e => e.GetType()));
    }

    [LinuxFact]
    public async Task Error_result_fails_with_the_clis_own_message()
    {
        var outcome = await new ClaudeCodeAgent(_cli.Options).RunAsync(_cli.Request("error_result"), _observer, CancellationToken.None);

        Assert.Equal(AgentOutcomeStatus.Failed, outcome.Status);
        Assert.Equal("Claude Code exited with code 1: API Error: 500 boom", outcome.ErrorMessage);
        Assert.Contains(new AgentApiRetry(1, "500"), _observer.Events);
    }

    [LinuxFact]
    public async Task Exit_zero_without_result_fails()
    {
        var outcome = await new ClaudeCodeAgent(_cli.Options).RunAsync(_cli.Request("no_result"), _observer, CancellationToken.None);

        Assert.Equal(AgentOutcomeStatus.Failed, outcome.Status);
        Assert.Equal("Claude Code exited without a result", outcome.ErrorMessage);
        Assert.Equal("fake-session-1", outcome.SessionId);
    }

    [LinuxFact]
    public async Task Exit_zero_after_a_streamed_finished_turn_whose_result_line_was_cut_succeeds()
    {
        var outcome = await new ClaudeCodeAgent(_cli.Options).RunAsync(_cli.Request("streamed_then_cut"), _observer, CancellationToken.None);

        Assert.Equal(AgentOutcomeStatus.Succeeded, outcome.Status);
        Assert.True(outcome.ResultLineLost);
        Assert.Equal("fake-session-1", outcome.SessionId);
    }

    [LinuxFact]
    public async Task Non_zero_exit_fails_with_code_and_stderr()
    {
        var outcome = await new ClaudeCodeAgent(_cli.Options).RunAsync(_cli.Request("crash"), _observer, CancellationToken.None);

        Assert.Equal(AgentOutcomeStatus.Failed, outcome.Status);
        Assert.Equal("Claude Code exited with code 3: fatal: the fake CLI broke", outcome.ErrorMessage);
    }

    [LinuxFact]
    public async Task Result_then_hang_is_stopped_after_the_grace_period_and_judged_by_the_result()
    {
        var started = Stopwatch.StartNew();

        var outcome = await new ClaudeCodeAgent(_cli.Options).RunAsync(_cli.Request("result_hang"), _observer, CancellationToken.None);

        Assert.Equal(AgentOutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal("All done.", outcome.ResultText);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"took {started.Elapsed}");
    }

    [LinuxFact]
    public async Task The_prompt_arrives_on_stdin_which_is_then_closed_even_when_huge()
    {
        // Over Linux's 128 KiB limit for one argument; the fake reads stdin to its end, so an open stdin would hang it.
        var prompt = "Summarise: " + new string('x', 300_000);
        var options = _cli.Options with { IdleTimeout = TimeSpan.FromSeconds(20) };

        var outcome = await new ClaudeCodeAgent(options).RunAsync(_cli.Request("read_stdin") with { Prompt = prompt }, _observer, CancellationToken.None);

        Assert.Equal(AgentOutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(prompt, _cli.ReadWorkFile("fake-claude.stdin"));
    }

    [LinuxFact]
    public async Task Idle_cli_is_stopped_and_fails_with_the_idle_message()
    {
        var options = _cli.Options with { IdleTimeout = TimeSpan.FromMilliseconds(400) };

        var outcome = await new ClaudeCodeAgent(options).RunAsync(_cli.Request("idle"), _observer, CancellationToken.None);

        Assert.Equal(AgentOutcomeStatus.Failed, outcome.Status);
        Assert.Equal("Claude Code printed nothing for 0.4 s; stopped", outcome.ErrorMessage);
    }

    [LinuxFact]
    public async Task Cancel_kills_the_cli_and_an_orphaned_tool_process()
    {
        using var cancel = new CancellationTokenSource();
        var run = new ClaudeCodeAgent(_cli.Options).RunAsync(_cli.Request("orphan_then_wait"), _observer, cancel.Token);
        var orphanPid = await OrphanPidAsync();
        Assert.False(ProcessProbe.IsGone(orphanPid));

        await cancel.CancelAsync();
        var outcome = await run;

        Assert.Equal(AgentOutcomeStatus.Cancelled, outcome.Status);
        await ProcessProbe.WaitUntilGoneAsync(orphanPid);
    }

    [LinuxFact]
    public async Task Cancel_interrupts_a_cli_that_honours_sigint_and_kills_what_it_left()
    {
        using var cancel = new CancellationTokenSource();
        var options = _cli.Options with { InterruptGracePeriod = TimeSpan.FromSeconds(20) };
        var run = new ClaudeCodeAgent(options).RunAsync(_cli.Request("interruptible"), _observer, cancel.Token);
        await _observer.WaitForAsync<AgentSessionStarted>(_ => true);
        var started = Stopwatch.StartNew();

        await cancel.CancelAsync();
        var outcome = await run;

        Assert.Equal(AgentOutcomeStatus.Cancelled, outcome.Status);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"SIGINT was not used: took {started.Elapsed}");
    }

    [LinuxFact]
    public async Task An_observer_exception_stops_the_run_kills_its_processes_and_reaches_the_caller()
    {
        var orphanPid = 0;
        var observer = new ThrowingObserver(e =>
        {
            if (e is AgentTextDelta { Text: var text } && text.StartsWith("orphan ", StringComparison.Ordinal))
            {
                orphanPid = ProcessProbe.ParsePid(text["orphan ".Length..]);
                throw new InvalidOperationException("observer broke");
            }
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new ClaudeCodeAgent(_cli.Options).RunAsync(_cli.Request("orphan_then_wait"), observer, CancellationToken.None));

        Assert.Equal("observer broke", error.Message);
        await ProcessProbe.WaitUntilGoneAsync(orphanPid);
    }

    [LinuxFact]
    public async Task Normal_exit_kills_a_background_process_a_tool_left_behind()
    {
        var outcome = await new ClaudeCodeAgent(_cli.Options).RunAsync(_cli.Request("orphan_then_exit"), _observer, CancellationToken.None);

        Assert.Equal(AgentOutcomeStatus.Succeeded, outcome.Status);
        await ProcessProbe.WaitUntilGoneAsync(ProcessProbe.ParsePid(_cli.ReadWorkFile("orphan.pid")));
    }

    [LinuxFact]
    public async Task Child_gets_argv_entries_and_the_executors_environment_without_its_token()
    {
        var environment = new Dictionary<string, string?>
        {
            ["EXTRA_VAR"] = "extra value",
            ["HOME"] = null,
            ["WEGENT_AUTH_TOKEN"] = "executor-secret",
        };
        var request = _cli.Request("success", environment) with
        {
            Prompt = "multi word\nprompt",
            SystemPrompt = "Be brief.",
            McpConfigPath = "/config/mcp.json",
            ResumeSessionId = "session-42",
        };

        await new ClaudeCodeAgent(_cli.Options).RunAsync(request, _observer, CancellationToken.None);

        var args = _cli.ReadWorkFile("fake-claude.args").TrimEnd('\0').Split('\0');
        var systemPromptFile = Path.Combine(_cli.ConfigDirectory, ClaudeCodeStartInfo.SystemPromptFileName);
        Assert.Equal(
            ["-p", "--setting-sources", "user", "--strict-mcp-config", "--output-format", "stream-json", "--verbose", "--include-partial-messages",
                "--permission-mode", "bypassPermissions", "--system-prompt-file", systemPromptFile, "--mcp-config", "/config/mcp.json",
                "--resume", "session-42"],
            args);
        Assert.Equal("Be brief.", File.ReadAllText(systemPromptFile));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(systemPromptFile));
        var env = _cli.ReadWorkFile("fake-claude.env").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('=', 2)).ToDictionary(e => e[0], e => e[1]);
        Assert.DoesNotContain("WEGENT_AUTH_TOKEN", env.Keys);
        Assert.DoesNotContain("HOME", env.Keys);
        Assert.Equal("extra value", env["EXTRA_VAR"]);
        Assert.Equal(_cli.ConfigDirectory, env["CLAUDE_CONFIG_DIR"]);
        Assert.Equal("1", env["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"]);
        Assert.Equal("2", env["CLAUDE_CODE_MAX_RETRIES"]);
        Assert.Equal("600000", env["API_TIMEOUT_MS"]);
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), env["PATH"]);
    }

    [LinuxFact]
    public async Task A_session_the_cli_does_not_know_is_started_afresh_instead_of_failing()
    {
        var request = _cli.Request("resume_unknown") with { ResumeSessionId = "gone-session" };

        var outcome = await new ClaudeCodeAgent(_cli.Options).RunAsync(request, _observer, CancellationToken.None);

        Assert.Equal(AgentOutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal("fake-session-1", outcome.SessionId);
        Assert.DoesNotContain("--resume", _cli.ReadWorkFile("fake-claude.args").Split('\0'));
    }

    [LinuxFact]
    public async Task Other_failures_of_a_resumed_run_are_not_retried()
    {
        var request = _cli.Request("error_result") with { ResumeSessionId = "session-42" };

        var outcome = await new ClaudeCodeAgent(_cli.Options).RunAsync(request, _observer, CancellationToken.None);

        Assert.Equal(AgentOutcomeStatus.Failed, outcome.Status);
        Assert.Single(_observer.Events.OfType<AgentSessionStarted>());
    }

    [Fact]
    public async Task Missing_cli_fails_with_one_clear_message()
    {
        var options = _cli.Options with { CliPath = "wegent-no-such-claude" };

        var outcome = await new ClaudeCodeAgent(options).RunAsync(_cli.Request("success"), _observer, CancellationToken.None);

        Assert.Equal(AgentOutcomeStatus.Failed, outcome.Status);
        Assert.Equal(
            "Claude Code CLI not found (looked for 'wegent-no-such-claude' on PATH). Install it: npm install -g "
                + "@anthropic-ai/claude-code@2.1.197, or set WEGENT_CLAUDE_CLI",
            outcome.ErrorMessage);
        Assert.Empty(_observer.Events);
    }

    private sealed class ThrowingObserver(Action<AgentEvent> onEvent) : IAgentObserver
    {
        public void OnEvent(AgentEvent agentEvent) => onEvent(agentEvent);
    }

    private async Task<int> OrphanPidAsync()
    {
        var text = await _observer.WaitForAsync<AgentTextDelta>(t => t.Text.StartsWith("orphan ", StringComparison.Ordinal));
        return ProcessProbe.ParsePid(text.Text["orphan ".Length..]);
    }
}
