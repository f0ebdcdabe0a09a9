using Serilog;

namespace Wegent.Executor.Connection;

/// <summary>Notices when the backend keeps calling this executor's connection stale (another connection registered the
/// same device id after it): once is a race, again and again means two executors share one device id, and the user is
/// told so in one ERROR per episode. Used from the session loop only.</summary>
internal sealed class StaleConnectionWatch(string deviceId, TimeProvider time, ILogger logger)
{
    public const int RepeatsForError = 3;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private readonly Queue<long> _recent = new();
    private bool _reported;

    public void Noticed()
    {
        var now = time.GetTimestamp();
        while (_recent.Count > 0 && time.GetElapsedTime(_recent.Peek(), now) > Window) _recent.Dequeue();
        // A quiet window ends the episode: a later one is reported again.
        if (_recent.Count == 0) _reported = false;
        _recent.Enqueue(now);
        if (_recent.Count >= RepeatsForError && !_reported)
        {
            _reported = true;
            logger.Error(
                "Another connection took over device {DeviceId} {Count} times within {Minutes:0} minutes (Stale device connection): "
                + "most likely two executors run with the same device id (a copied home folder or device_id file, or one home used by two machines). "
                + "Stop the other executor, or give one of them its own id: stop it, write a new id into the device_id file in its home "
                + "(WEGENT_EXECUTOR_HOME) and start it again",
                deviceId, _recent.Count, Window.TotalMinutes);
        }
        else
        {
            logger.Warning("Another connection registered device {DeviceId} after this one (Stale device connection); reconnecting", deviceId);
        }
    }
}
