using Xunit.Abstractions;

namespace Wegent.Executor.Tests;

/// <summary>Dependencies between the tool's folders run one way. A folder may reference only those listed for it below;
/// a new folder, or a new reference, is placed here on purpose.</summary>
public sealed class FolderDependencyTests(ITestOutputHelper output)
{
    /// <summary>The allowed graph, written once: each folder and the folders it may reference. Bottom first.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Protocol"] = [],
        ["Processes"] = [],
        ["Threading"] = [],
        ["Configuration"] = ["Processes", "Protocol"],
        ["Logging"] = ["Configuration"],
        ["Agents"] = ["Configuration", "Processes"],
        ["Workspace"] = ["Agents", "Configuration", "Processes", "Protocol"],
        ["Reporting"] = ["Protocol", "Workspace"],
        ["Telemetry"] = ["Agents", "Configuration", "Protocol", "Workspace"],
        // Tasks and Connection meet only in Protocol's IBackendChannel and IBackendEventHandler.
        ["Tasks"] = ["Agents", "Configuration", "Logging", "Protocol", "Reporting", "Telemetry", "Threading", "Workspace"],
        ["Connection"] = ["Logging", "Protocol", "Telemetry", "Threading"],
        ["Diagnostics"] = ["Agents", "Configuration", "Connection", "Processes", "Protocol"],
        ["Service"] = ["Configuration", "Processes"],
        ["Cli"] = ["Configuration", "Connection", "Diagnostics", "Processes", "Service"],
        // The composition root (ExecutorHost, ExecutorProgram, SingleTaskWatch) puts everything together.
        [FolderReferences.RootFolder] =
        [
            "Agents", "Cli", "Configuration", "Connection", "Diagnostics", "Logging", "Processes", "Protocol", "Reporting",
            "Service", "Tasks", "Telemetry", "Threading", "Workspace",
        ],
    };

    private static readonly Lazy<FolderReferences> Tool = new(() => FolderReferences.Measure(ToolDirectory()));

    [Fact]
    public void Each_folder_references_only_the_folders_it_may()
    {
        output.WriteLine(Tool.Value.ToTable());

        var forbidden = Tool.Value.Edges
            .SelectMany(from => from.Value
                .Where(to => !Allowed.TryGetValue(from.Key, out var allowed) || !allowed.Contains(to.Key))
                .Select(to => $"{from.Key} → {to.Key} ({string.Join(", ", to.Value)})"))
            .ToList();

        Assert.True(forbidden.Count == 0, "References the allowed graph does not have:\n" + string.Join('\n', forbidden));
    }

    [Fact]
    public void Every_folder_of_the_tool_has_a_place_in_the_graph_and_no_other()
    {
        Assert.Equal(Tool.Value.Folders.Order(StringComparer.Ordinal), Allowed.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_allowed_graph_runs_one_way()
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();

        void Visit(string folder)
        {
            if (path.Contains(folder)) Assert.Fail("A cycle: " + string.Join(" → ", path.SkipWhile(f => f != folder).Append(folder)));
            if (!done.Add(folder)) return;
            path.Add(folder);
            foreach (var next in Allowed.GetValueOrDefault(folder, [])) Visit(next);
            path.RemoveAt(path.Count - 1);
        }

        foreach (var folder in Allowed.Keys) Visit(folder);
    }

    [Fact]
    public void A_type_named_plainly_in_full_or_through_a_using_static_counts_and_a_member_name_or_a_bare_using_does_not()
    {
        var tool = Directory.CreateTempSubdirectory("wegent-folders-");
        try
        {
            Write(tool, "Connection/Session.cs", "namespace Wegent.Executor.Connection; public sealed class Session { public int Outbox; }");
            Write(tool, "Connection/Limits.cs", "namespace Wegent.Executor.Connection; public static class Limits { public const int Max = 1; }");
            Write(tool, "Tasks/Outbox.cs", "namespace Wegent.Executor.Tasks; public sealed class Outbox;");
            Write(tool, "Tasks/Plain.cs", "using Wegent.Executor.Connection; namespace Wegent.Executor.Tasks; class Plain { Session? S; }");
            Write(tool, "Agents/Full.cs", "namespace Wegent.Executor.Agents; class Full { int M = Wegent.Executor.Connection.Limits.Max; }");
            Write(tool, "Logging/Static.cs", "using static Wegent.Executor.Connection.Limits; namespace Wegent.Executor.Logging; class S { int M = Max; }");
            Write(tool, "Service/Unused.cs", "using Wegent.Executor.Connection; namespace Wegent.Executor.Service; class U { void F(dynamic s) { _ = s.Session; } }");
            Write(tool, "Protocol/Member.cs", "namespace Wegent.Executor.Protocol; class M { object Outbox = new(); }");

            var references = FolderReferences.Measure(tool.FullName);

            Assert.Equal(["Session"], references.Edges["Tasks"]["Connection"]);
            Assert.Equal(["Limits"], references.Edges["Agents"]["Connection"]);
            Assert.Equal(["Limits"], references.Edges["Logging"]["Connection"]);
            Assert.False(references.Edges.ContainsKey("Service"));
            Assert.False(references.Edges.ContainsKey("Connection"), "Session.Outbox is a field, not Tasks' Outbox");
            Assert.False(references.Edges.ContainsKey("Protocol"));
        }
        finally
        {
            tool.Delete(recursive: true);
        }
    }

    private static void Write(DirectoryInfo root, string relativePath, string text)
    {
        var path = Path.Combine(root.FullName, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static string ToolDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Wegent.sln"))) return Path.Combine(directory.FullName, "Wegent.Executor.Tool");
        }

        throw new InvalidOperationException("Wegent.sln not found above " + AppContext.BaseDirectory);
    }
}
