namespace Wegent.Executor.Protocol;

/// <summary>The two generations of result events a Wegent backend takes (PROTOCOL-RESPONSES.md section 10).</summary>
public enum ResultProtocol
{
    /// <summary>January 2026: <c>task:progress</c> snapshots and <c>task:complete</c> (PROTOCOL.md).</summary>
    Legacy,

    /// <summary>Since February 2026: Responses-API events (<c>response.created</c>, deltas, one terminal event).</summary>
    Responses,
}
