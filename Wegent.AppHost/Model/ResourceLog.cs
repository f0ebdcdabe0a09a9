using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace Wegent.AppHost.Model;

/// <summary>A resource's console output: the newest lines kept for late viewers, and live subscriptions.</summary>
public sealed partial class ResourceLog(int capacity = 5_000)
{
    private readonly Lock _gate = new();
    private readonly Queue<LogLine> _lines = new();
    private readonly List<Channel<LogLine>> _subscribers = [];
    private long _sequence;

    public IReadOnlyList<LogLine> Snapshot()
    {
        lock (_gate) return [.. _lines];
    }

    public void Add(string text, bool isError)
    {
        lock (_gate)
        {
            var line = new LogLine(++_sequence, text, LevelOf(text, isError));
            _lines.Enqueue(line);
            if (_lines.Count > capacity) _lines.Dequeue();
            foreach (var subscriber in _subscribers) subscriber.Writer.TryWrite(line);
        }
    }

    /// <summary>The kept lines, then every new one, until <paramref name="cancellationToken"/> ends.</summary>
    public async IAsyncEnumerable<LogLine> FollowAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Bounded so that a stalled viewer costs memory for at most this many lines.
        var channel = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest });
        LogLine[] backlog;
        lock (_gate)
        {
            backlog = [.. _lines];
            _subscribers.Add(channel);
        }

        try
        {
            foreach (var line in backlog) yield return line;
            await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return line;
        }
        finally
        {
            lock (_gate) _subscribers.Remove(channel);
        }
    }

    internal static LogLevelName LevelOf(string text, bool isError)
    {
        var match = LevelWord().Match(text);
        if (!match.Success) return isError ? LogLevelName.Error : LogLevelName.Info;
        return match.Value.ToUpperInvariant() switch
        {
            "CRITICAL" or "FATAL" or "ERROR" => LogLevelName.Error,
            "WARNING" or "WARN" => LogLevelName.Warning,
            "DEBUG" => LogLevelName.Debug,
            _ => LogLevelName.Info,
        };
    }

    // Uvicorn writes "INFO:" and errors to stderr alike, so the level word wins over the stream.
    [GeneratedRegex(@"\b(CRITICAL|FATAL|ERROR|WARNING|WARN|INFO|DEBUG)\b")]
    private static partial Regex LevelWord();
}

public enum LogLevelName
{
    Debug,
    Info,
    Warning,
    Error,
}

public sealed record LogLine(long Sequence, string Text, LogLevelName Level);
