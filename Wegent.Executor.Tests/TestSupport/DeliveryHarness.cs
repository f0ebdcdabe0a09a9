using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;

namespace Wegent.Executor.Tests.TestSupport;

/// <summary>A report delivery on a fake clock and a recording channel, with its outbox in a temporary folder.</summary>
public sealed class DeliveryHarness : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("delivery-");

    public FakeTimeProvider Time { get; } = new();

    public FakeBackendChannel Channel { get; } = new();

    public TestLog Log { get; } = new();

    public string OutboxDirectory => _directory.FullName;

    public ReportDelivery Create(ResultProtocol? forced = null) =>
        new(Channel, new Outbox(OutboxDirectory, Log.Logger),
            new DeliveryOptions { ProgressInterval = Interval, RetryPause = TimeSpan.FromMilliseconds(5), ResultProtocol = forced },
            Time, Log.Logger);

    public static TaskRequest Request(long subtaskId, bool responses, long? messageId = 9) => new()
    {
        TaskId = 1,
        SubtaskId = subtaskId,
        Prompt = "p",
        Raw = new JsonObject(),
        FromResponsesApiBackend = responses,
        MessageId = responses ? messageId : null,
    };

    /// <summary>Waits for <paramref name="condition"/>, moving the fake clock on a quarter interval at a time (the lane
    /// may arm its timer just after any one advance).</summary>
    public Task UntilAsync(Func<bool> condition, string what) =>
        Wait.UntilAsync(() =>
        {
            if (condition()) return true;
            Time.Advance(Interval / 4);
            return false;
        }, what);

    public Task DeliveredAsync(ReportDelivery delivery)
    {
        var delivered = delivery.WhenAllDeliveredAsync(CancellationToken.None);
        return UntilAsync(() => delivered.IsCompleted, "every final report delivered");
    }

    public string[] OutboxFiles => Directory.GetFiles(OutboxDirectory);

    public void Dispose() => _directory.Delete(recursive: true);
}
