using System.Globalization;
using System.Text;
using Serilog;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Workspace;

/// <summary>Turns a prompt sent as content blocks into the prompt the agent gets. The images (<c>data:</c> URLs) are saved
/// in <c>{task_id}/attachments/{subtask_id}/</c>, each named where it stood in the text (<c>[Image 1: PATH]</c>), and the
/// agent is asked to open them with its Read tool, which shows an image file to the model. So the prompt stays plain text
/// on stdin (no second input format to start and resume the CLI with), the files stay for follow-up messages, and
/// whatever the agent does with an image (crop, convert, attach to a commit) works on a real file. An image that cannot be
/// passed on (a link, another type, too large, not what it claims to be) is left out and the agent told why, in its
/// place; it never fails the task.</summary>
public sealed class PromptImages(long maxBytes, ILogger logger)
{
    public const long DefaultMaxBytes = 20L * 1024 * 1024;
    public const int MaxImages = 20;

    /// <summary>The types the model can see, with the extension they are saved under and how their files begin.</summary>
    private static readonly Dictionary<string, (string Extension, Func<byte[], bool> Matches)> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/png"] = (".png", b => b.AsSpan().StartsWith((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])),
        ["image/jpeg"] = (".jpg", b => b.AsSpan().StartsWith((byte[])[0xFF, 0xD8, 0xFF])),
        ["image/jpg"] = (".jpg", b => b.AsSpan().StartsWith((byte[])[0xFF, 0xD8, 0xFF])),
        ["image/gif"] = (".gif", b => b.AsSpan().StartsWith("GIF87a"u8) || b.AsSpan().StartsWith("GIF89a"u8)),
        ["image/webp"] = (".webp", b => b.Length >= 12 && b.AsSpan(0, 4).SequenceEqual("RIFF"u8) && b.AsSpan(8, 4).SequenceEqual("WEBP"u8)),
    };

    /// <returns>The prompt for the agent, or null when the prompt was plain text.</returns>
    public string? Compose(TaskRequest request, string taskDirectory)
    {
        if (request.PromptParts.Count == 0) return null;
        var pieces = new List<string>();
        var saved = new List<string>();
        var number = 0;
        foreach (var part in request.PromptParts)
        {
            switch (part)
            {
                case PromptTextPart text:
                    pieces.Add(text.Text);
                    break;
                case PromptImagePart image:
                    number++;
                    var (path, problem) = number > MaxImages ? (null, $"only the first {MaxImages} images are passed on") : Save(image.Url, number, request, taskDirectory);
                    if (path is not null)
                    {
                        saved.Add(path);
                        pieces.Add($"[Image {number}: {path}]");
                    }
                    else
                    {
                        logger.Warning("Image {Number} of task {TaskId} (prompt block {Block}) was left out: {Reason}", number, request.TaskId, image.Block, problem);
                        pieces.Add($"[Image {number} could not be passed on: {problem}]");
                    }

                    break;
                case PromptSkippedPart skipped:
                    logger.Warning("Prompt block {Block} of task {TaskId} was left out: {Reason}", skipped.Block, request.TaskId, skipped.Reason);
                    pieces.Add($"[Left out of this message: {skipped.Reason}]");
                    break;
            }
        }

        var prompt = new StringBuilder(string.Join(PromptContent.Separator, pieces));
        if (saved.Count > 0)
        {
            prompt.Append(PromptContent.Separator)
                .Append(saved.Count == 1 ? "The user attached an image, saved as a file." : $"The user attached {saved.Count} images, saved as files.")
                .Append(" Look at each with your Read tool before you answer:");
            foreach (var path in saved) prompt.Append("\n- ").Append(path);
        }

        return prompt.ToString();
    }

    private (string? Path, string? Problem) Save(string url, int number, TaskRequest request, string taskDirectory)
    {
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                ? (null, $"it was sent as a link, which the executor does not fetch: {TextShortener.Shorten(url, 300)}")
                : (null, "it is not a data: URL");
        }

        var comma = url.IndexOf(',', StringComparison.Ordinal);
        var header = comma < 0 ? [] : url[5..comma].Split(';', StringSplitOptions.TrimEntries);
        if (comma < 0 || !header.Skip(1).Contains("base64", StringComparer.OrdinalIgnoreCase)) return (null, "it is not base64-encoded");
        var mediaType = header[0];
        if (!Types.TryGetValue(mediaType, out var type))
        {
            return (null, $"its type '{TextShortener.Shorten(mediaType, 60)}' is not PNG, JPEG, GIF or WebP");
        }

        var base64 = url.AsSpan(comma + 1);
        if ((long)base64.Length / 4 * 3 > maxBytes) return (null, $"it is larger than {maxBytes / (1024 * 1024)} MB");
        var bytes = new byte[base64.Length / 4 * 3];
        if (!Convert.TryFromBase64Chars(base64, bytes, out var length)) return (null, "its data is not valid base64");
        bytes = bytes[..length];
        if (!type.Matches(bytes)) return (null, $"its data is not a {mediaType} image");

        try
        {
            var directory = TaskFolder.CreateInside(taskDirectory, "attachments", request.SubtaskId.ToString(CultureInfo.InvariantCulture));
            return (Write(directory, $"image-{number}", type.Extension, bytes), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"it could not be saved ({ex.Message})");
        }
    }

    /// <summary>A new owner-only file: never over an attachment or an earlier message's image, never through a link.</summary>
    private static string Write(string directory, string stem, string extension, byte[] bytes)
    {
        for (var attempt = 1; ; attempt++)
        {
            var path = Path.Combine(directory, attempt == 1 ? stem + extension : $"{stem}-{attempt}{extension}");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            try
            {
                using var file = new FileStream(path, options);
                file.Write(bytes);
                return path;
            }
            catch (IOException) when (Path.Exists(path) && attempt < 100)
            {
            }
        }
    }
}
