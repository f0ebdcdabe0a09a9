using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Workspace;

/// <summary>The workbench's view of a checkout: changed files and commits since the task's base commit.</summary>
public sealed record GitWorkbench(IReadOnlyList<JsonObject> FileChanges, JsonObject GitInfo);

/// <summary>Reads <see cref="GitWorkbench"/> from git: <c>diff --numstat</c> and <c>--name-status</c> (renames found)
/// of the working tree against the base commit, untracked files, and the commits made since. Bounded in entries and
/// bytes so the workbench always fits a progress message.</summary>
public sealed class GitWorkbenchReader(GitCommand git)
{
    public const int MaxFileChanges = 300;
    public const int MaxCommits = 50;
    public const int MaxBytes = 200_000;

    /// <summary>git's id of the empty tree: the base when the repository had no commit yet.</summary>
    private const string EmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    private const int MaxMessageLength = 2_000;
    private const long MaxCountedFileBytes = 1024 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <param name="baseCommit">The commit the task started from; null when the repository had none.</param>
    /// <returns>null when the directory is not a readable checkout.</returns>
    public async Task<GitWorkbench?> ReadAsync(string checkout, string? baseCommit, string sourceBranch, CancellationToken cancellationToken)
    {
        async Task<string?> Git(params string[] arguments)
        {
            var result = await git.RunAsync(arguments, checkout, Timeout, cancellationToken).ConfigureAwait(false);
            return result.Succeeded ? result.Output : null;
        }

        var @base = baseCommit ?? EmptyTree;
        var numstat = await Git("diff", "--numstat", "-M", "-z", @base).ConfigureAwait(false);
        var nameStatus = await Git("diff", "--name-status", "-M", "-z", @base).ConfigureAwait(false);
        var untracked = await Git("ls-files", "--others", "--exclude-standard", "-z").ConfigureAwait(false);
        if (numstat is null || nameStatus is null || untracked is null) return null;

        var changes = ParseChanges(numstat, nameStatus);
        foreach (var path in untracked.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            changes.Add(new FileChange(path, path, FileChangeKind.Added, CountLines(Path.Combine(checkout, path)), 0));
        }

        var hasHead = await Git("rev-parse", "--verify", "-q", "HEAD").ConfigureAwait(false) is not null;
        var branch = (await Git("rev-parse", "--abbrev-ref", "HEAD").ConfigureAwait(false))?.Trim() ?? "";
        var commits = !hasHead ? "" : await Git("log", $"--max-count={MaxCommits}", "--format=%x1e%H%x1f%an%x1f%ae%x1f%cI%x1f%B%x1f", "--numstat",
            @base == EmptyTree ? "HEAD" : $"{@base}..HEAD").ConfigureAwait(false) ?? "";
        var initialMessage = @base == EmptyTree ? "" : (await Git("log", "-1", "--format=%B", @base).ConfigureAwait(false))?.Trim() ?? "";

        var gitInfo = new JsonObject
        {
            ["initial_commit_id"] = @base == EmptyTree ? "" : @base,
            ["initial_commit_message"] = TextShortener.Shorten(initialMessage, MaxMessageLength),
            ["task_commits"] = ParseCommits(commits),
            ["source_branch"] = sourceBranch,
            ["target_branch"] = branch != "HEAD" && branch != sourceBranch ? branch : "",
            ["file_changes_total"] = changes.Count,
        };
        return new GitWorkbench(Bounded(changes), gitInfo);
    }

    internal enum FileChangeKind
    {
        Modified,
        Added,
        Deleted,
        Renamed,
    }

    internal sealed record FileChange(string OldPath, string NewPath, FileChangeKind Kind, int AddedLines, int RemovedLines)
    {
        public JsonObject ToJson() => new()
        {
            ["old_path"] = OldPath,
            ["new_path"] = NewPath,
            ["new_file"] = Kind == FileChangeKind.Added,
            ["renamed_file"] = Kind == FileChangeKind.Renamed,
            ["deleted_file"] = Kind == FileChangeKind.Deleted,
            ["added_lines"] = AddedLines,
            ["removed_lines"] = RemovedLines,
            ["diff_title"] = Path.GetFileName(NewPath),
        };
    }

    /// <summary>Joins <c>--numstat -z</c> (counts; <c>-</c> for binary) with <c>--name-status -z</c> (kind).</summary>
    internal static List<FileChange> ParseChanges(string numstat, string nameStatus)
    {
        var counts = new Dictionary<string, (int Added, int Removed)>(StringComparer.Ordinal);
        var fields = numstat.Split('\0');
        for (var i = 0; i < fields.Length; i++)
        {
            var parts = fields[i].Split('\t');
            if (parts.Length < 3) continue;
            var path = parts[2];
            if (path.Length == 0 && i + 2 < fields.Length)
            {
                path = fields[i + 2];
                i += 2;
            }

            counts[path] = (Count(parts[0]), Count(parts[1]));
        }

        var changes = new List<FileChange>();
        var entries = nameStatus.Split('\0');
        for (var i = 0; i + 1 < entries.Length; i++)
        {
            var status = entries[i];
            if (status.Length == 0) continue;
            var kind = status[0] switch
            {
                'A' => FileChangeKind.Added,
                'D' => FileChangeKind.Deleted,
                'R' => FileChangeKind.Renamed,
                'C' => FileChangeKind.Added,
                _ => FileChangeKind.Modified,
            };
            var oldPath = entries[++i];
            var newPath = status[0] is 'R' or 'C' && i + 1 < entries.Length ? entries[++i] : oldPath;
            var (added, removed) = counts.GetValueOrDefault(newPath);
            changes.Add(new FileChange(oldPath, newPath, kind, added, removed));
        }

        return changes;
    }

    internal static JsonArray ParseCommits(string log)
    {
        var commits = new List<JsonObject>();
        foreach (var record in log.Split('\x1e', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = record.Split('\x1f');
            if (parts.Length < 6) continue;
            int files = 0, insertions = 0, deletions = 0;
            foreach (var line in parts[5].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var stat = line.Split('\t');
                if (stat.Length < 3) continue;
                files++;
                insertions += Count(stat[0]);
                deletions += Count(stat[1]);
            }

            commits.Add(new JsonObject
            {
                ["commit_id"] = parts[0].Trim(),
                ["short_id"] = parts[0].Trim()[..Math.Min(8, parts[0].Trim().Length)],
                ["message"] = TextShortener.Shorten(parts[4].Trim(), MaxMessageLength),
                ["author"] = parts[1],
                ["author_email"] = parts[2],
                ["committed_date"] = parts[3],
                ["stats"] = new JsonObject { ["files_changed"] = files, ["insertions"] = insertions, ["deletions"] = deletions },
            });
        }

        commits.Reverse();
        return new JsonArray([.. commits]);
    }

    private static List<JsonObject> Bounded(List<FileChange> changes)
    {
        var result = new List<JsonObject>();
        var bytes = 0;
        foreach (var change in changes.OrderBy(c => c.NewPath, StringComparer.Ordinal))
        {
            var json = change.ToJson();
            bytes += Encoding.UTF8.GetByteCount(json.ToJsonString());
            if (result.Count >= MaxFileChanges || bytes > MaxBytes) break;
            result.Add(json);
        }

        return result;
    }

    private static int Count(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>Lines of a new file; binary or very large files count as 0, as git's numstat shows them. Only a regular
    /// file is read, and at most its size at the time: a link is not followed (one to /dev/zero grew the executor to
    /// 4.3 GB, one to a FIFO blocked it forever), and a FIFO or device, whose size reads as 0, is not opened.</summary>
    internal static int CountLines(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null || !info.Exists || info.Length == 0 || info.Length > MaxCountedFileBytes) return 0;
            var bytes = new byte[info.Length];
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None))
            {
                bytes = bytes[..file.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false)];
            }

            if (Array.IndexOf(bytes, (byte)0) >= 0) return 0;
            var lines = bytes.Count(b => b == '\n');
            return bytes.Length > 0 && bytes[^1] != '\n' ? lines + 1 : lines;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
