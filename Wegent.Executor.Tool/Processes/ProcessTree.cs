using System.Diagnostics;
using System.Text;

namespace Wegent.Executor.Processes;

/// <summary>
/// All processes of one agent run: the root, its descendants (by parent pid), and every process carrying the run's
/// <see cref="ProcessTreeMarker"/> in its environment. On Linux it reads /proc; elsewhere it falls back to
/// <see cref="Process.Kill(bool)"/>, which only sees processes still attached to the tree.
/// </summary>
internal sealed class ProcessTree
{
    private const string ProcRoot = ProcStat.DefaultRoot;
    private static readonly TimeSpan RescanDelay = TimeSpan.FromMilliseconds(50);

    private readonly Process _root;
    private readonly TimeProvider _timeProvider;
    private readonly byte[] _markerEntry;
    private readonly ProcessIdentity? _rootIdentity;
    private readonly HashSet<ProcessIdentity> _known = [];

    /// <summary>Call right after starting <paramref name="root"/>: its identity (pid + start time) is read now, so a
    /// later process reusing the pid is not taken for it.</summary>
    public ProcessTree(Process root, ProcessTreeMarker marker, TimeProvider timeProvider)
    {
        _root = root;
        _timeProvider = timeProvider;
        _markerEntry = Encoding.UTF8.GetBytes(marker.Entry + "\0");
        _rootIdentity = ProcIsReadable ? ProcStat.Read(ProcRoot, root.Id)?.Identity : null;
    }

    private static bool ProcIsReadable => Directory.Exists(Path.Combine(ProcRoot, "self"));

    /// <summary>Sends SIGKILL to every live process of the run, rescanning until none is left (new ones may be forked
    /// while we kill). Returns false when some survived <paramref name="timeout"/>.</summary>
    public async Task<bool> KillAllAsync(TimeSpan timeout)
    {
        if (!ProcIsReadable)
        {
            KillAttachedTree();
            return true;
        }

        var started = _timeProvider.GetTimestamp();
        while (true)
        {
            var alive = FindMembers();
            if (alive.Count == 0)
            {
                return true;
            }

            foreach (var member in alive)
            {
                PosixNative.SendSignal(member.ProcessId, UnixSignal.Kill);
            }

            if (_timeProvider.GetElapsedTime(started) >= timeout)
            {
                return FindMembers().Count == 0;
            }

            await Task.Delay(RescanDelay, _timeProvider).ConfigureAwait(false);
        }
    }

    /// <summary>The live (not zombie) processes of the run now; remembers them so their descendants are found later
    /// even if they were reparented.</summary>
    public IReadOnlyCollection<ProcessIdentity> FindMembers()
    {
        if (!ProcIsReadable)
        {
            return [];
        }

        var processes = ProcStat.ReadAll(ProcRoot).Where(p => p.Identity.ProcessId != Environment.ProcessId).ToList();
        var members = processes
            .Where(p => p.Identity == _rootIdentity || _known.Contains(p.Identity) || CarriesMarker(p))
            .Select(p => p.Identity)
            .ToHashSet();

        var childrenByParent = processes.ToLookup(p => p.ParentId);
        var parents = new Queue<int>(members.Select(m => m.ProcessId));
        while (parents.TryDequeue(out var parent))
        {
            foreach (var child in childrenByParent[parent])
            {
                if (members.Add(child.Identity))
                {
                    parents.Enqueue(child.Identity.ProcessId);
                }
            }
        }

        _known.UnionWith(members);
        var zombies = processes.Where(p => p.IsZombie).Select(p => p.Identity).ToHashSet();
        return members.Where(m => !zombies.Contains(m)).ToList();
    }

    private bool CarriesMarker(ProcStat process) => !process.IsZombie && ProcEnviron.HasEntry(ProcRoot, process.Identity.ProcessId, _markerEntry);

    private void KillAttachedTree()
    {
        try
        {
            _root.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
