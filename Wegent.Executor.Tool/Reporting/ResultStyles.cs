using System.Text.Json.Nodes;
using Serilog;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Reporting;

/// <summary>What an ack to a result event says about the backend.</summary>
public enum AckKind
{
    /// <summary>A handler took it (<c>{"success": ...}</c>, or any other answer).</summary>
    Handled,

    /// <summary><c>{"error": ...}</c>.</summary>
    Error,

    /// <summary>Neither <c>success</c> nor <c>error</c>: the backend has no handler for this event.</summary>
    NoHandler,
}

/// <summary>
/// Picks the reporting style of each subtask (PROTOCOL-RESPONSES.md section 10). <c>WEGENT_RESULT_PROTOCOL</c> set to a
/// style wins over detection; in auto, a task goes back in the generation of its own <c>task:execute</c> payload, and a
/// final with no payload to go by (left in the outbox by an earlier run) in the style the connection's probe found, else
/// the one it was recorded in. Whatever was chosen, an ack with neither <c>success</c> nor <c>error</c> proves the
/// backend has no handler for that style: from then on it gets the other one.
/// </summary>
public sealed class ResultStyles
{
    private readonly ResultProtocol? _forced;
    private readonly Func<ResultProtocol?> _probed;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private ResultProtocol? _learned;

    /// <param name="forced">The setting's style; null for auto.</param>
    /// <param name="probed">The current connection's probe verdict (null while unknown).</param>
    public ResultStyles(ResultProtocol? forced, Func<ResultProtocol?> probed, TimeProvider time, ILogger logger)
    {
        _forced = forced;
        _probed = probed;
        _logger = logger;
        var sizeLimit = new MessageSizeLimit();
        Legacy = new LegacyStyle(sizeLimit, time);
        Responses = new ResponsesStyle(sizeLimit, time);
    }

    public LegacyStyle Legacy { get; }

    public ResponsesStyle Responses { get; }

    public IReportingStyle Of(ResultProtocol protocol) => protocol == ResultProtocol.Legacy ? Legacy : Responses;

    /// <summary>The style for a subtask whose payload came from <paramref name="generation"/> (null: unknown).</summary>
    public ResultProtocol ForTask(ResultProtocol? generation) => Learned ?? _forced ?? generation ?? _probed() ?? ResultProtocol.Legacy;

    /// <summary>The style for a final an earlier executor process recorded in <paramref name="recorded"/>.</summary>
    public ResultProtocol ForResumed(ResultProtocol recorded) => Learned ?? _forced ?? _probed() ?? recorded;

    /// <summary>The backend answered a <paramref name="style"/> event with an empty ack: use the other style from now on
    /// (a warning the first time it switches; events still in flight in the old style change nothing).</summary>
    public void NoHandlerFor(ResultProtocol style, string eventName)
    {
        var other = style.Other();
        lock (_gate)
        {
            if (_learned == other) return;
            _learned = other;
        }

        _logger.Warning(
            "The backend acknowledged {Event} with neither success nor error: it has no handler for {Style} results. Reporting in the {Other} style from now on",
            eventName, Describe(style), Describe(other));
    }

    public static AckKind Classify(JsonNode? ack) => ack switch
    {
        JsonObject answer when answer.ContainsKey("error") => AckKind.Error,
        JsonObject answer when answer.ContainsKey("success") => AckKind.Handled,
        null or JsonObject => AckKind.NoHandler,
        _ => AckKind.Handled,
    };

    private ResultProtocol? Learned
    {
        get
        {
            lock (_gate) return _learned;
        }
    }

    private static string Describe(ResultProtocol style) =>
        style == ResultProtocol.Legacy ? "task:progress/task:complete" : "Responses-API";
}
