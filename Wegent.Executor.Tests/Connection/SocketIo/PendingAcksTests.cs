using System.Text.Json.Nodes;
using Wegent.Executor.Connection.SocketIo;

using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Connection.SocketIo;

public sealed class PendingAcksTests
{
    [Fact]
    public async Task Concurrent_registrations_each_get_their_own_answer()
    {
        var acks = new PendingAcks();
        var calls = Enumerable.Range(0, 500).Select(index => Task.Run(async () =>
        {
            var id = acks.NextId();
            var answer = acks.Register(id);
            // Answer from another thread, as the receive loop does.
            _ = Task.Run(() => acks.Complete(id, JsonValue.Create(id)));
            return (Id: id, Answer: (await answer.WaitAsync(Wait.DefaultTimeout))!.GetValue<long>());
        }));

        var results = await Task.WhenAll(calls);

        Assert.All(results, result => Assert.Equal(result.Id, result.Answer));
        Assert.Equal(500, results.Select(result => result.Id).Distinct().Count());
        Assert.Equal(0, acks.Count);
    }

    [Fact]
    public async Task Complete_removes_the_entry_and_ignores_unknown_or_repeated_ids()
    {
        var acks = new PendingAcks();
        var id = acks.NextId();
        var answer = acks.Register(id);

        Assert.True(acks.Complete(id, JsonValue.Create("ok")));
        Assert.False(acks.Complete(id, JsonValue.Create("again")));
        Assert.False(acks.Complete(id + 100, null));
        Assert.Equal("ok", (await answer)?.GetValue<string>());
        Assert.Equal(0, acks.Count);
    }

    [Fact]
    public void Remove_drops_the_entry_so_a_late_ack_is_ignored()
    {
        var acks = new PendingAcks();
        var id = acks.NextId();
        acks.Register(id);

        acks.Remove(id);

        Assert.Equal(0, acks.Count);
        Assert.False(acks.Complete(id, null));
    }

    [Fact]
    public void CancelAll_cancels_pending_and_later_registrations()
    {
        var acks = new PendingAcks();
        var pending = acks.Register(acks.NextId());

        acks.CancelAll();
        var late = acks.Register(acks.NextId());

        Assert.True(pending.IsCanceled);
        Assert.True(late.IsCanceled);
        Assert.Equal(0, acks.Count);
    }
}
