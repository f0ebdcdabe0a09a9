using System.Globalization;

namespace Wegent.Executor.Agents;

/// <summary>Decides a run's <see cref="AgentOutcome"/>: success needs exit code 0 AND a result line with is_error false
/// (an API failure exits 1 with a result of subtype "success" and is_error true), or, when the result line was lost,
/// exit code 0 after a streamed turn that ended normally.</summary>
internal static class ClaudeCodeOutcomeJudge
{
    public const string NoResultMessage = "Claude Code exited without a result";
    public const string CancelledMessage = "Cancelled";

    /// <param name="turnFinished">The stream showed the model's last message end its turn (see <see cref="StreamJsonReader.TurnFinished"/>).</param>
    /// <param name="stopReason">Why the model stopped (see <see cref="StreamJsonReader.StopReason"/>).</param>
    public static AgentOutcome Judge(
        AgentStopReason reason, int? exitCode, ClaudeCodeResult? result, string? sessionId, string stderrTail, TimeSpan idleTimeout,
        bool turnFinished = false, string? stopReason = null)
    {
        var outcome = reason switch
        {
            AgentStopReason.Cancelled => new AgentOutcome(AgentOutcomeStatus.Cancelled, result?.Text, CancelledMessage),
            AgentStopReason.IdleTimeout => Failed(
                result,
                string.Create(CultureInfo.InvariantCulture, $"Claude Code printed nothing for {idleTimeout.TotalSeconds:0.###} s; stopped")),
            // It had finished its work; only the exit hung, so the result line alone decides.
            AgentStopReason.ResultExitHang => JudgeResult(result, exitCode: 0, stderrTail, turnFinished),
            _ => JudgeResult(result, exitCode, stderrTail, turnFinished),
        };

        return outcome with
        {
            SessionId = result?.SessionId ?? sessionId,
            NumTurns = result?.NumTurns,
            TotalCostUsd = result?.TotalCostUsd,
            DurationMs = result?.DurationMs,
            UsageJson = result?.UsageJson,
            StopReason = stopReason,
        };
    }

    private static AgentOutcome JudgeResult(ClaudeCodeResult? result, int? exitCode, string stderrTail, bool turnFinished)
    {
        if (exitCode != 0)
        {
            var detail = FirstNonEmpty(result?.IsError == true ? result.Text : null, stderrTail, result?.Text);
            var code = exitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
            return Failed(result, detail is null ? $"Claude Code exited with code {code}" : $"Claude Code exited with code {code}: {detail}");
        }

        if (result is null && turnFinished)
        {
            // Claude Code 2.1.x can lose the end of a large output on a pipe (its result line repeats the whole answer):
            // the answer was streamed and the turn ended, so the streamed text is the result.
            return new AgentOutcome(AgentOutcomeStatus.Succeeded, null, null) { ResultLineLost = true };
        }

        if (result is null)
        {
            return Failed(null, string.IsNullOrEmpty(stderrTail) ? NoResultMessage : $"{NoResultMessage}: {stderrTail}");
        }

        if (result.IsError)
        {
            return Failed(result, FirstNonEmpty(result.Text, stderrTail) ?? $"Claude Code reported an error ({result.Subtype ?? "no subtype"})");
        }

        return new AgentOutcome(AgentOutcomeStatus.Succeeded, result.Text, null);
    }

    private static AgentOutcome Failed(ClaudeCodeResult? result, string message) =>
        new(AgentOutcomeStatus.Failed, result?.Text, message);

    private static string? FirstNonEmpty(params string?[] candidates) =>
        candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c));
}
