using System.Text;

namespace Wegent.Executor.Agents;

/// <summary>Keeps only the last <see cref="Capacity"/> characters of a stream of lines (a chatty stderr must not grow memory).</summary>
internal sealed class BoundedTextTail(int capacity)
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();

    public int Capacity { get; } = capacity;

    public void AppendLine(string line)
    {
        lock (_lock)
        {
            _text.Append(line).Append('\n');
            if (_text.Length > Capacity)
            {
                _text.Remove(0, _text.Length - Capacity);
            }
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return _text.ToString().Trim();
        }
    }
}
