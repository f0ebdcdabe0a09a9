using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serilog;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Workspace;

/// <summary>One attachment of a task: where it landed, or why it did not.</summary>
public sealed record AttachmentResult(long Id, string FileName, string? Path, string? Error);

/// <summary>Downloads a task's attachments into <c>{task_id}/attachments/{subtask_id}/</c> and points the prompt at
/// them. A failed download is told to the agent in the prompt; it never fails the task.</summary>
public sealed partial class AttachmentDownloader(BackendDownloads downloads, long maxBytes, ILogger logger)
{
    public const long DefaultMaxBytes = 100L * 1024 * 1024;

    public async Task<IReadOnlyList<AttachmentResult>> DownloadAsync(TaskRequest request, string taskDirectory, CancellationToken cancellationToken)
    {
        if (request.Raw["attachments"] is not JsonArray { Count: > 0 } attachments) return [];
        var directory = Path.Combine(taskDirectory, "attachments", request.SubtaskId.ToString(CultureInfo.InvariantCulture));
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
            var name = SafeFileName.From(attachment["original_filename"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null,
                "attachment-" + idText);
            if (!used.Add(name)) name = SafeFileName.From($"{idText}_{name}", "attachment-" + idText);
            used.Add(name);
            var path = Path.Combine(directory, name);
            try
            {
                Directory.CreateDirectory(directory);
                var file = new FileStream(path, FileMode.Create, FileAccess.Write);
                await using (file.ConfigureAwait(false))
                {
                    await downloads.DownloadAsync($"api/attachments/{idText}/executor-download", request.AuthToken, file, maxBytes, cancellationToken)
                        .ConfigureAwait(false);
                }

                logger.Information("Attachment {Id} downloaded to {Path}", id, path);
                results.Add(new AttachmentResult(id, name, path, null));
            }
            catch (Exception ex) when (ex is DownloadException or IOException or UnauthorizedAccessException)
            {
                File.Delete(path);
                logger.Warning("Attachment {Id} ({Name}) could not be downloaded: {Error}", id, name, ex.Message);
                results.Add(new AttachmentResult(id, name, null, ex.Message));
            }
        }

        return results;
    }

    /// <summary><c>[attachment:ID]</c> becomes <c>[Attachment downloaded to: PATH]</c> (or says why it is missing), and
    /// the list of files is appended.</summary>
    public static string RewritePrompt(string prompt, IReadOnlyList<AttachmentResult> results)
    {
        if (results.Count == 0) return prompt;
        var byId = results.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.First());
        var rewritten = AttachmentReference().Replace(prompt, match =>
            long.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && byId.TryGetValue(id, out var result)
                ? result.Path is { } path ? $"[Attachment downloaded to: {path}]" : $"[Attachment {result.FileName} could not be downloaded: {result.Error}]"
                : match.Value);

        var list = new StringBuilder(rewritten).Append("\n\nAvailable attachment files:\n");
        foreach (var result in results)
        {
            list.Append(result.Path is { } path ? $"- {path}\n" : $"- {result.FileName}: not available ({result.Error})\n");
        }

        return list.ToString();
    }

    private static long? ReadId(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<long>(out var l) && l > 0 => l,
        JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0 => p,
        _ => null,
    };

    [GeneratedRegex(@"\[attachment:(\d{1,18})\]")]
    private static partial Regex AttachmentReference();
}
