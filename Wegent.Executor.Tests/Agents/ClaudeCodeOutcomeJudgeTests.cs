using Wegent.Executor.Agents;

namespace Wegent.Executor.Tests.Agents;

public sealed class ClaudeCodeOutcomeJudgeTests
{
    private static readonly ClaudeCodeResult Ok = new(IsError: false, "success", "done") { SessionId = "s1", NumTurns = 3 };
    private static readonly ClaudeCodeResult Error = new(IsError: true, "success", "API Error: 401 invalid key");
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(30);

    [Fact]
    public void Exit_zero_with_a_good_result_succeeds_and_carries_its_data()
    {
        var outcome = ClaudeCodeOutcomeJudge.Judge(AgentStopReason.Exited, 0, Ok, "init-session", "", Idle);

        Assert.Equal(new AgentOutcome(AgentOutcomeStatus.Succeeded, "done", null) { SessionId = "s1", NumTurns = 3 }, outcome);
    }

    [Fact]
    public void Error_result_fails_even_with_exit_zero_and_subtype_success()
    {
        var outcome = ClaudeCodeOutcomeJudge.Judge(AgentStopReason.Exited, 0, Error, null, "", Idle);

        Assert.Equal(AgentOutcomeStatus.Failed, outcome.Status);
        Assert.Equal("API Error: 401 invalid key", outcome.ErrorMessage);
    }

    [Fact]
    public void Error_result_without_text_falls_back_to_stderr()
    {
        var outcome = ClaudeCodeOutcomeJudge.Judge(AgentStopReason.Exited, 0, Error with { Text = null }, null, "stderr says why", Idle);

        Assert.Equal("stderr says why", outcome.ErrorMessage);
    }

    [Fact]
    public void Good_result_with_a_non_zero_exit_fails_naming_the_code()
    {
        var outcome = ClaudeCodeOutcomeJudge.Judge(AgentStopReason.Exited, 2, Ok, null, "", Idle);

        Assert.Equal(AgentOutcomeStatus.Failed, outcome.Status);
        Assert.Equal("Claude Code exited with code 2: done", outcome.ErrorMessage);
    }

    [Fact]
    public void Exit_zero_without_a_result_fails_and_keeps_the_init_session()
    {
        var outcome = ClaudeCodeOutcomeJudge.Judge(AgentStopReason.Exited, 0, null, "init-session", "", Idle);

        Assert.Equal(AgentOutcomeStatus.Failed, outcome.Status);
        Assert.Equal("Claude Code exited without a result", outcome.ErrorMessage);
        Assert.Equal("init-session", outcome.SessionId);
    }

    [Fact]
    public void Exit_zero_without_a_result_after_a_finished_turn_succeeds_on_the_streamed_answer()
    {
        var outcome = ClaudeCodeOutcomeJudge.Judge(AgentStopReason.Exited, 0, null, "init-session", "", Idle, turnFinished: true);

        Assert.Equal(AgentOutcomeStatus.Succeeded, outcome.Status);
        Assert.True(outcome.ResultLineLost);
        Assert.Null(outcome.ResultText);
        Assert.Equal("init-session", outcome.SessionId);
    }

    [Fact]
    public void A_finished_turn_does_not_excuse_a_failing_exit_code()
    {
        var outcome = ClaudeCodeOutcomeJudge.Judge(AgentStopReason.Exited, 1, null, null, "boom", Idle, turnFinished: true);

        Assert.Equal(AgentOutcomeStatus.Failed, outcome.Status);
        Assert.False(outcome.ResultLineLost);
    }

    [Fact]
    public void Result_exit_hang_is_judged_by_the_result_not_the_kill_exit_code()
    {
        var outcome = ClaudeCodeOutcomeJudge.Judge(AgentStopReason.ResultExitHang, 137, Ok, null, "", Idle);

        Assert.Equal(AgentOutcomeStatus.Succeeded, outcome.Status);
    }

    [Fact]
    public void Cancelled_wins_over_any_result()
    {
        var outcome = ClaudeCodeOutcomeJudge.Judge(AgentStopReason.Cancelled, 0, Ok, null, "", Idle);

        Assert.Equal(AgentOutcomeStatus.Cancelled, outcome.Status);
    }

    [Fact]
    public void Idle_timeout_names_the_silent_seconds()
    {
        var outcome = ClaudeCodeOutcomeJudge.Judge(AgentStopReason.IdleTimeout, 137, null, null, "", Idle);

        Assert.Equal("Claude Code printed nothing for 1800 s; stopped", outcome.ErrorMessage);
    }
}
