using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Wegent.E2E.Infrastructure;

/// <summary>A resource's console output as Aspire collects it, numbered in arrival order, kept for the whole run so
/// that one run's lines can be told from the next one's.</summary>
internal sealed class ResourceLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<Action<string>> _subscribers = [];
    private readonly CancellationTokenSource _stop = new();

    private ResourceLog()
    {
    }

    /// <summary>How many lines arrived so far: a run started now has the lines after this.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _lines.Count;
        }
    }

    public static ResourceLog Follow(DistributedApplication app, string resourceName)
    {
        var log = new ResourceLog();
        var logger = app.Services.GetRequiredService<ResourceLoggerService>();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in logger.WatchAsync(resourceName).WithCancellation(log._stop.Token))
                {
                    foreach (var line in batch) log.Add(line.Content);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        return log;
    }

    /// <summary>Calls <paramref name="onLine"/> with every line after the first <paramref name="skip"/>, then each new one,
    /// until the returned subscription is disposed.</summary>
    public IDisposable Subscribe(int skip, Action<string> onLine)
    {
        lock (_gate)
        {
            foreach (var line in _lines.Skip(skip)) onLine(line);
            _subscribers.Add(onLine);
        }

        return new Subscription(this, onLine);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private void Add(string line)
    {
        lock (_gate)
        {
            _lines.Add(line);
            foreach (var subscriber in _subscribers) subscriber(line);
        }
    }

    private sealed class Subscription(ResourceLog log, Action<string> onLine) : IDisposable
    {
        public void Dispose()
        {
            lock (log._gate) log._subscribers.Remove(onLine);
        }
    }
}
