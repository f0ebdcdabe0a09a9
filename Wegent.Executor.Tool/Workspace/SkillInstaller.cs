using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Workspace;

/// <summary>Brings bot[0].skills into a task (PROTOCOL.md section 6): looked up and downloaded from the backend into the
/// skills cache, then copied into the task's <c>.claude/skills/</c>. A skill that fails is logged and left out; it
/// never fails the task.</summary>
public sealed class SkillInstaller(BackendDownloads downloads, string cacheDirectory, bool clearCache, ILogger logger)
{
    public const long MaxSkillBytes = 50L * 1024 * 1024;
    private const string SkillFile = "SKILL.md";

    /// <returns>The names installed.</returns>
    public async Task<IReadOnlyList<string>> InstallAsync(TaskRequest request, string agentConfigDirectory, CancellationToken cancellationToken)
    {
        var names = request.Bot?.Skills ?? [];
        if (names.Count == 0) return [];
        var space = Namespace(request.Raw);
        var installed = new List<string>();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (!PathSegment.IsSafe(name) || name.StartsWith('.'))
            {
                logger.Warning("Skill '{Skill}' skipped: its name cannot be a folder name", name);
                continue;
            }

            try
            {
                var cached = await CachedAsync(name, space, request.AuthToken, cancellationToken).ConfigureAwait(false);
                var target = Path.Combine(agentConfigDirectory, "skills", name);
                if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
                CopyDirectory(cached, target);
                installed.Add(name);
            }
            catch (Exception ex) when (ex is DownloadException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                logger.Warning("Skill '{Skill}' could not be installed: {Error}", name, ex.Message);
            }
        }

        if (installed.Count > 0) logger.Information("Installed skills: {Skills}", string.Join(", ", installed));
        return installed;
    }

    /// <summary>team_namespace, else executor_namespace, else "default".</summary>
    internal static string Namespace(JsonObject raw)
    {
        foreach (var key in (string[])["team_namespace", "executor_namespace"])
        {
            if (raw[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s) return s;
        }

        return "default";
    }

    private async Task<string> CachedAsync(string name, string space, string? token, CancellationToken cancellationToken)
    {
        var cached = Path.Combine(cacheDirectory, name);
        if (!clearCache && Directory.Exists(cached))
        {
            logger.Debug("Skill '{Skill}' taken from the cache", name);
            return cached;
        }

        var found = await downloads.GetJsonAsync(
            $"api/v1/kinds/skills?name={Uri.EscapeDataString(name)}&namespace={Uri.EscapeDataString(space)}", token, cancellationToken).ConfigureAwait(false);
        var id = found?["items"] is JsonArray { Count: > 0 } items ? items[0]?["metadata"]?["labels"]?["id"] : null;
        var idText = id is JsonValue value ? value.ToString() : null;
        if (string.IsNullOrEmpty(idText) || !PathSegment.IsSafe(idText))
        {
            throw new DownloadException($"the backend knows no skill '{name}' in namespace '{space}'");
        }

        Directory.CreateDirectory(cacheDirectory);
        var zipPath = Path.Combine(cacheDirectory, $".{name}-{Guid.NewGuid():N}.zip");
        var staging = Path.Combine(cacheDirectory, $".{name}-{Guid.NewGuid():N}");
        try
        {
            var zip = new FileStream(zipPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
            await using (zip.ConfigureAwait(false))
            {
                await downloads.DownloadAsync($"api/v1/kinds/skills/{Uri.EscapeDataString(idText)}/download?namespace={Uri.EscapeDataString(space)}",
                    token, zip, MaxSkillBytes, cancellationToken).ConfigureAwait(false);
                zip.Position = 0;
                SafeZip.Extract(zip, staging, SkillFile);
            }

            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
            Directory.Move(staging, cached);
            logger.Information("Downloaded skill '{Skill}'", name);
            return cached;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
        }
    }
}
