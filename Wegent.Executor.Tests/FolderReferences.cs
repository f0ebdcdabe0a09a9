using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Wegent.Executor.Tests;

/// <summary>Which folder of the tool references which, read from its source: a name counts when it is a type of
/// another folder's namespace that the file can see (its own namespace's parents, its usings, or written in full).
/// Syntax only, so constants and nameof count too (the compiled assembly inlines them).</summary>
internal sealed class FolderReferences
{
    private const string RootNamespace = "Wegent.Executor";
    public const string RootFolder = "(root)";

    private readonly SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> _edges = new(StringComparer.Ordinal);

    private FolderReferences(IReadOnlySet<string> folders) => Folders = folders;

    /// <summary>Every folder with source in it, the root's files as <see cref="RootFolder"/>.</summary>
    public IReadOnlySet<string> Folders { get; }

    /// <summary>Referencing folder → referenced folder → the type names it uses there.</summary>
    public IReadOnlyDictionary<string, SortedDictionary<string, SortedSet<string>>> Edges => _edges;

    public static string FolderOf(string @namespace) =>
        @namespace == RootNamespace || !@namespace.StartsWith(RootNamespace + ".", StringComparison.Ordinal)
            ? RootFolder
            : @namespace[(RootNamespace.Length + 1)..].Split('.')[0];

    public static FolderReferences Measure(string toolDirectory)
    {
        var files = Directory.EnumerateFiles(toolDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(Path.GetRelativePath(toolDirectory, path)))
            .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), path: path).GetCompilationUnitRoot())
            .ToList();

        var declaringNamespaces = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var @namespace = NamespaceOf(file);
            foreach (var type in file.DescendantNodes().OfType<MemberDeclarationSyntax>()
                         .Where(member => member.Parent is BaseNamespaceDeclarationSyntax or CompilationUnitSyntax))
            {
                var name = type switch
                {
                    BaseTypeDeclarationSyntax declaration => declaration.Identifier.Text,
                    DelegateDeclarationSyntax declaration => declaration.Identifier.Text,
                    _ => null,
                };
                if (name is null) continue;
                if (!declaringNamespaces.TryGetValue(name, out var namespaces)) declaringNamespaces[name] = namespaces = [];
                namespaces.Add(@namespace);
            }
        }

        var references = new FolderReferences(files.Select(file => FolderOf(NamespaceOf(file))).ToHashSet(StringComparer.Ordinal));
        foreach (var file in files) references.Add(file, declaringNamespaces);
        return references;
    }

    /// <summary>The edges as a table, one referencing folder a line.</summary>
    public string ToTable() => string.Join(Environment.NewLine, Folders.Order(StringComparer.Ordinal).Select(from =>
        $"{from,-14} → " + (_edges.TryGetValue(from, out var targets)
            ? string.Join("; ", targets.Select(target => $"{target.Key} ({string.Join(", ", target.Value)})"))
            : "—")));

    private void Add(CompilationUnitSyntax file, Dictionary<string, HashSet<string>> declaringNamespaces)
    {
        var @namespace = NamespaceOf(file);
        var from = FolderOf(@namespace);
        var visible = new HashSet<string>(StringComparer.Ordinal);
        for (var name = @namespace; name.Length > 0; name = name.Contains('.', StringComparison.Ordinal) ? name[..name.LastIndexOf('.')] : "")
        {
            visible.Add(name);
        }

        foreach (var directive in file.DescendantNodes().OfType<UsingDirectiveSyntax>())
        {
            // using static and aliases name a type; a plain using only makes a namespace visible.
            if (directive.Alias is null && directive.StaticKeyword == default) visible.Add(Unqualified(directive.NamespaceOrType.ToString()));
            else if (directive.NamespaceOrType is QualifiedNameSyntax type) AddQualified(from, type.Left.ToString(), type.Right.Identifier.Text, declaringNamespaces);
        }

        foreach (var name in file.DescendantNodes().OfType<SimpleNameSyntax>().Where(name => !IsInDirectiveOrDeclaration(name)))
        {
            switch (name.Parent)
            {
                case QualifiedNameSyntax qualified when qualified.Right == name:
                    AddQualified(from, qualified.Left.ToString(), name.Identifier.Text, declaringNamespaces);
                    continue;
                case MemberAccessExpressionSyntax access when access.Name == name:
                    AddQualified(from, access.Expression.ToString(), name.Identifier.Text, declaringNamespaces);
                    continue;
                case MemberBindingExpressionSyntax or NameColonSyntax or NameEqualsSyntax:
                    continue;
                case AssignmentExpressionSyntax { Parent: InitializerExpressionSyntax } assignment when assignment.Left == name:
                    continue;
            }

            var type = name.Identifier.Text;
            if (!declaringNamespaces.TryGetValue(type, out var namespaces) || namespaces.Contains(@namespace)) continue;
            foreach (var declaring in namespaces.Where(visible.Contains)) AddEdge(from, FolderOf(declaring), type);
        }
    }

    private static bool IsInDirectiveOrDeclaration(SyntaxNode name) => name.Ancestors().Any(node =>
        node is UsingDirectiveSyntax
        || (node is BaseNamespaceDeclarationSyntax declaration && declaration.Name.Span.Contains(name.Span)));

    /// <summary>A name written with its namespace (in full, or below the root as Tasks.X).</summary>
    private void AddQualified(string from, string qualifier, string type, Dictionary<string, HashSet<string>> declaringNamespaces)
    {
        qualifier = Unqualified(qualifier);
        if (!declaringNamespaces.TryGetValue(type, out var namespaces)) return;
        foreach (var @namespace in new[] { qualifier, RootNamespace + "." + qualifier }.Where(namespaces.Contains))
        {
            AddEdge(from, FolderOf(@namespace), type);
        }
    }

    private void AddEdge(string from, string to, string type)
    {
        if (from == to) return;
        if (!_edges.TryGetValue(from, out var targets)) _edges[from] = targets = new(StringComparer.Ordinal);
        if (!targets.TryGetValue(to, out var types)) targets[to] = types = new(StringComparer.Ordinal);
        types.Add(type);
    }

    private static string NamespaceOf(CompilationUnitSyntax file) =>
        file.Members.OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault()?.Name.ToString() ?? "";

    private static string Unqualified(string name) => name.StartsWith("global::", StringComparison.Ordinal) ? name[8..] : name;

    private static bool IsBuildOutput(string relativePath) =>
        relativePath.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
        || relativePath.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
