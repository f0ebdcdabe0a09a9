using System.Globalization;

namespace Wegent.AppHost.Processes;

/// <summary>Descendants of a process, read from /proc, so they can be killed even after their parent is gone.</summary>
internal static class ProcessTree
{
    public static IReadOnlyList<int> DescendantsOf(int root)
    {
        if (!Directory.Exists("/proc")) return [];
        var children = new Dictionary<int, List<int>>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (ParentOf(entry) is not { } parent) continue;
            if (!children.TryGetValue(parent, out var list)) children[parent] = list = [];
            list.Add(pid);
        }

        var found = new List<int>();
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var pid))
        {
            if (!children.TryGetValue(pid, out var list)) continue;
            found.AddRange(list);
            foreach (var child in list) pending.Push(child);
        }

        return found;
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int? ParentOf(string procEntry)
    {
        try
        {
            // Fields after the parenthesised command name: state, ppid, ...
            var stat = File.ReadAllText(Path.Combine(procEntry, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
