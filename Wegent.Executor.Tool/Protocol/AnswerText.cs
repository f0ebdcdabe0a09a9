using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wegent.Executor.Protocol;

/// <summary>
/// The answer text of a result, as a read-only view over blocks that are only ever appended to. A progress snapshot
/// shares the blocks of the text so far instead of copying it, and is written to JSON a block at a time, so a long
/// answer streamed several times a second never needs one large string or buffer (large objects are what kept the
/// memory of several streaming tasks high).
/// </summary>
[JsonConverter(typeof(AnswerTextJsonConverter))]
public sealed class AnswerText : IEquatable<AnswerText>
{
    public static readonly AnswerText Empty = new([], 0);

    private readonly ReadOnlyMemory<char>[] _segments;

    internal AnswerText(ReadOnlyMemory<char>[] segments, int length)
    {
        _segments = segments;
        Length = length;
    }

    public int Length { get; }

    public static AnswerText FromString(string text) => text.Length == 0 ? Empty : new([text.AsMemory()], text.Length);

    public static implicit operator AnswerText(string text) => FromString(text);

    /// <summary>The first <paramref name="count"/> characters (or all, when shorter).</summary>
    public string Head(int count)
    {
        count = Math.Clamp(count, 0, Length);
        return string.Create(count, _segments, (span, segments) =>
        {
            foreach (var segment in segments)
            {
                if (span.IsEmpty) return;
                var part = segment.Span[..Math.Min(segment.Length, span.Length)];
                part.CopyTo(span);
                span = span[part.Length..];
            }
        });
    }

    public override string ToString() => Head(Length);

    /// <summary>The character at <paramref name="index"/> (0 ≤ index &lt; <see cref="Length"/>).</summary>
    internal char CharAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        foreach (var segment in _segments)
        {
            if (index < segment.Length) return segment.Span[index];
            index -= segment.Length;
        }

        throw new ArgumentOutOfRangeException(nameof(index));
    }

    /// <summary>Unicode code points in [start, start + length): a surrogate pair counts once, as Python's <c>len</c>
    /// counts (the Responses-API <c>offset</c>).</summary>
    internal int CountCodePoints(int start, int length)
    {
        var count = 0;
        var previousHigh = false;
        ForEachPiece(start, length, int.MaxValue, piece =>
        {
            foreach (var c in piece)
            {
                var pairEnd = previousHigh && char.IsLowSurrogate(c);
                if (!pairEnd) count++;
                previousHigh = !pairEnd && char.IsHighSurrogate(c);
            }
        });
        return count;
    }

    /// <summary>Writes [start, start + length) as one JSON string value, a piece at a time (never one large buffer).</summary>
    internal void WriteJsonString(Utf8JsonWriter writer, int start, int length)
    {
        if (length == 0)
        {
            writer.WriteStringValue(ReadOnlySpan<char>.Empty);
            return;
        }

        var written = 0;
        var single = true;
        ForEachPiece(start, length, AnswerTextJsonConverter.PieceLength, piece =>
        {
            written += piece.Length;
            if (single && written == length)
            {
                writer.WriteStringValue(piece);
                return;
            }

            single = false;
            writer.WriteStringValueSegment(piece, isFinalSegment: written == length);
        });
    }

    private delegate void PieceAction(ReadOnlySpan<char> piece);

    /// <summary>Calls <paramref name="action"/> on [start, start + length) in order, in pieces of at most
    /// <paramref name="maxPiece"/> characters.</summary>
    private void ForEachPiece(int start, int length, int maxPiece, PieceAction action)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + length, Length);
        var skip = start;
        var left = length;
        foreach (var segment in _segments)
        {
            if (left == 0) return;
            if (skip >= segment.Length)
            {
                skip -= segment.Length;
                continue;
            }

            var part = segment.Span[skip..Math.Min(segment.Length, skip + left)];
            skip = 0;
            left -= part.Length;
            for (var at = 0; at < part.Length; at += maxPiece)
            {
                action(part[at..Math.Min(part.Length, at + maxPiece)]);
            }
        }
    }

    // Equality is by content; only tests and record comparisons use it, so materialising is fine.
    public bool Equals(AnswerText? other) =>
        other is not null && other.Length == Length && (ReferenceEquals(this, other) || string.Equals(ToString(), other.ToString(), StringComparison.Ordinal));

    public override bool Equals(object? obj) => Equals(obj as AnswerText);

    public override int GetHashCode() => Length;
}

/// <summary>Collects streamed text in fixed-size blocks. Appending never moves or changes what was written, so a
/// snapshot taken under the owner's lock stays valid (and readable on another thread) while appending goes on.</summary>
public sealed class AnswerTextBuilder
{
    /// <summary>8 KB blocks: well under the large-object threshold, few enough to keep a snapshot's list small.</summary>
    internal const int BlockLength = 4_096;

    private readonly List<char[]> _blocks = [];
    private int _length;

    public int Length => _length;

    public void Append(string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (_length == _blocks.Count * BlockLength) _blocks.Add(new char[BlockLength]);
            var used = _length - ((_blocks.Count - 1) * BlockLength);
            var part = rest[..Math.Min(rest.Length, BlockLength - used)];
            part.CopyTo(_blocks[^1].AsSpan(used));
            _length += part.Length;
            rest = rest[part.Length..];
        }
    }

    public AnswerText Snapshot()
    {
        if (_length == 0) return AnswerText.Empty;
        var segments = new ReadOnlyMemory<char>[_blocks.Count];
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = _blocks[i].AsMemory(0, Math.Min(BlockLength, _length - (i * BlockLength)));
        }

        return new AnswerText(segments, _length);
    }
}

/// <summary>Writes the text as one JSON string, in pieces (<see cref="Utf8JsonWriter.WriteStringValueSegment(ReadOnlySpan{char}, bool)"/>),
/// so the writer never asks for room for the whole escaped text at once.</summary>
internal sealed class AnswerTextJsonConverter : JsonConverter<AnswerText>
{
    internal const int PieceLength = AnswerTextBuilder.BlockLength;

    public override AnswerText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        AnswerText.FromString(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, AnswerText value, JsonSerializerOptions options) =>
        value.WriteJsonString(writer, 0, value.Length);
}
