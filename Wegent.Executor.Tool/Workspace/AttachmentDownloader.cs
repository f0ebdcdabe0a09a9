using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serilog;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Workspace;

/// <summary>One attachment of a task: where it landed, or why it did not.</summary>
public sealed record AttachmentResult(long Id, string FileName, string? Path, string? Error)
{
    /// <summary><c>original_filename</c> as sent: the backend builds the path it writes into the prompt from it.</summary>
    public string? OriginalName { get; init; }

    /// <summary>The attachment's own <c>subtask_id</c> (the user's message; newer payloads).</summary>
    public long? SubtaskId { get; init; }
}

/// <summary>Downloads a task's attachments (<c>{id, original_filename, mime_type, file_size, subtask_id?}</c>) into
/// <c>{task_id}/attachments/{subtask_id}/</c> and points the prompt at them. A failed download is told to the agent in
/// the prompt; it never fails the task.</summary>
public sealed partial class AttachmentDownloader(BackendDownloads downloads, long maxBytes, ILogger logger)
{
    public const long DefaultMaxBytes = 100L * 1024 * 1024;

    /// <summary>The labels the backend puts before a sandbox path (documents, then images).</summary>
    private static readonly string[] SandboxPathLabels = ["File Path(already in sandbox): ", "File Path in Sandbox: "];

    public async Task<IReadOnlyList<AttachmentResult>> DownloadAsync(TaskRequest request, string taskDirectory, CancellationToken cancellationToken)
    {
        if (request.Raw["attachments"] is not JsonArray { Count: > 0 } attachments) return [];
        var subtaskFolder = request.SubtaskId.ToString(CultureInfo.InvariantCulture);
        var directory = Path.Combine(taskDirectory, "attachments", subtaskFolder);
        var results = new List<AttachmentResult>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var attachment in attachments.OfType<JsonObject>())
        {
            if (ReadId(attachment["id"]) is not { } id)
            {
                logger.Warning("An attachment without a valid id was skipped");
                continue;
            }

            var idText = id.ToString(CultureInfo.InvariantCulture);
            var originalName = attachment["original_filename"] is JsonValue v && v.GetValueKind() == JsonValueKind.String
                && PayloadReader.TryGetString(v, out var text) ? text : null;
            var name = SafeFileName.From(originalName, "attachment-" + idText);
            if (!used.Add(name)) name = SafeFileName.From($"{idText}_{name}", "attachment-" + idText);
            used.Add(name);
            var path = Path.Combine(directory, name);
            var created = false;
            try
            {
                TaskFolder.CreateInside(taskDirectory, "attachments", subtaskFolder);
                // An earlier run's file goes; a link in its place goes as a link, never followed.
                File.Delete(path);
                var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                created = true;
                await using (file.ConfigureAwait(false))
                {
                    await downloads.DownloadAsync($"api/attachments/{idText}/executor-download", request.AuthToken, file, maxBytes, cancellationToken)
                        .ConfigureAwait(false);
                }

                logger.Information("Attachment {Id} downloaded to {Path}", id, path);
                results.Add(new AttachmentResult(id, name, path, null) { OriginalName = originalName, SubtaskId = ReadId(attachment["subtask_id"]) });
            }
            catch (Exception ex) when (ex is DownloadException or IOException or UnauthorizedAccessException)
            {
                if (created) File.Delete(path);
                logger.Warning("Attachment {Id} ({Name}) could not be downloaded: {Error}", id, name, ex.Message);
                results.Add(new AttachmentResult(id, name, null, ex.Message) { OriginalName = originalName, SubtaskId = ReadId(attachment["subtask_id"]) });
            }
        }

        return results;
    }

    /// <summary><c>[attachment:ID]</c> becomes <c>[Attachment downloaded to: PATH]</c> (or says why it is missing); the
    /// backend's own attachment headers (<c>[Attachment: NAME | ID: n | ... | File Path(already in sandbox): SANDBOX]</c>,
    /// images <c>File Path in Sandbox: SANDBOX</c>) point at the real file; the list of files is appended.</summary>
    /// <param name="taskId">The task, and <paramref name="subtaskId"/> the subtask, the backend's sandbox paths are built
    /// from (an attachment's own <c>subtask_id</c> comes first).</param>
    public static string RewritePrompt(string prompt, IReadOnlyList<AttachmentResult> results, long taskId, long subtaskId)
    {
        if (results.Count == 0) return prompt;
        var byId = results.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.First());
        var rewritten = AttachmentReference().Replace(prompt, match =>
            long.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && byId.TryGetValue(id, out var result)
                ? result.Path is { } path ? $"[Attachment downloaded to: {path}]" : $"[Attachment {result.FileName} could not be downloaded: {result.Error}]"
                : match.Value);

        var text = new StringBuilder(rewritten);
        // Longest first, so that no sandbox path is rewritten inside a longer one ("a.txt" in "a.txt.bak").
        foreach (var (result, sandboxPath) in results.Select(r => (r, SandboxPath(r, taskId, subtaskId))).OrderByDescending(p => p.Item2.Length))
        {
            var replacement = result.Path is { } path ? $"Local File Path: {path}" : $"File not available: {result.Error}";
            foreach (var label in SandboxPathLabels) text.Replace(label + sandboxPath, replacement);
            if (result.Path is not null) text.Replace(sandboxPath, result.Path);
        }

        text.Append("\n\nAvailable attachment files:\n");
        foreach (var result in results)
        {
            text.Append(result.Path is { } path ? $"- {path}\n" : $"- {result.FileName}: not available ({result.Error})\n");
        }

        return text.ToString();
    }

    /// <summary>Where the backend tells the model an attachment is (its sandbox executor's layout), exactly as it writes it.</summary>
    internal static string SandboxPath(AttachmentResult result, long taskId, long subtaskId)
    {
        var name = string.IsNullOrEmpty(result.OriginalName) ? "document" : result.OriginalName.Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal);
        return string.Create(CultureInfo.InvariantCulture, $"/home/user/{taskId}:executor:attachments/{result.SubtaskId ?? subtaskId}/{name}");
    }

    private static long? ReadId(JsonNode? node) => PayloadReader.Id(node, "id", out _);

    [GeneratedRegex(@"\[attachment:(\d{1,18})\]")]
    private static partial Regex AttachmentReference();
}
