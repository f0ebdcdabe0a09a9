namespace Wegent.Executor.Protocol;

/// <summary>A message over the connection's size limit; nothing was sent.</summary>
public class MessageTooLargeException(int size, int limit)
    : Exception($"The message is {size} bytes, over the {limit}-byte limit; it was not sent.")
{
    public int Size { get; } = size;
    public int Limit { get; } = limit;
}
