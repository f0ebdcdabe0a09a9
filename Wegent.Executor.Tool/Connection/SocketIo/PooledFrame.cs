using System.Buffers;
using System.Text;

namespace Wegent.Executor.Connection.SocketIo;

/// <summary>
/// A message being encoded, as UTF-8 in pieces rented from the shared pool: written once, sent piece by piece as the
/// fragments of one websocket message, and handed back. Streaming snapshots carry the whole answer so far; one
/// contiguous buffer per snapshot (and the websocket's masked copy of it) were large arrays, kept alive by the pool.
/// </summary>
internal sealed class PooledFrame : IBufferWriter<byte>, IDisposable
{
    /// <summary>32 KB: the websocket's masked copy of a piece (piece + header, rounded up by the pool to 64 KB) stays
    /// below the 85,000-byte large-object threshold.</summary>
    internal const int PieceSize = 32 * 1024;

    private readonly List<byte[]> _pieces = [];
    private readonly List<int> _written = [];

    public int Length { get; private set; }

    /// <summary>The written bytes, in order: pieces of 32 KB, larger only where the writer needed more room at once.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Pieces =>
        [.. _pieces.Select((piece, i) => (ReadOnlyMemory<byte>)piece.AsMemory(0, _written[i])).Where(piece => !piece.IsEmpty)];

    public void Advance(int count)
    {
        _written[^1] += count;
        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Room(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Room(sizeHint).Span;

    /// <summary>The whole message as text (small packets, tests): pieces may end inside a character, so they are
    /// joined before decoding.</summary>
    public string ToText()
    {
        var bytes = new byte[Length];
        var at = 0;
        foreach (var piece in Pieces)
        {
            piece.CopyTo(bytes.AsMemory(at));
            at += piece.Length;
        }

        return Encoding.UTF8.GetString(bytes);
    }

    public void Dispose()
    {
        foreach (var piece in _pieces) ArrayPool<byte>.Shared.Return(piece);
        _pieces.Clear();
        _written.Clear();
        Length = 0;
    }

    /// <summary>Room for at least <paramref name="sizeHint"/> bytes in the current piece, or in a new one (bigger than
    /// <see cref="PieceSize"/> only when the writer needs more at once).</summary>
    private Memory<byte> Room(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_pieces.Count > 0 && _pieces[^1].Length - _written[^1] >= needed)
        {
            return _pieces[^1].AsMemory(_written[^1]);
        }

        _pieces.Add(ArrayPool<byte>.Shared.Rent(Math.Max(needed, PieceSize)));
        _written.Add(0);
        return _pieces[^1];
    }
}
