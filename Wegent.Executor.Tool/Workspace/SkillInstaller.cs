using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Workspace;

/// <summary>Brings a task's skills (<see cref="TaskRequest.Skills"/>) into its <c>.claude/skills/</c>. A skill with the
/// backend's reference is downloaded by its id; one without is first looked up by name in the task's namespace
/// (PROTOCOL.md section 6). Downloads are kept in the skills cache under their namespace and id, what identifies a skill:
/// a name alone can be another skill in another namespace. A skill that fails is logged and left out; it never fails
/// the task.</summary>
public sealed class SkillInstaller(BackendDownloads downloads, string cacheDirectory, bool clearCache, ILogger logger)
{
    public const long MaxSkillBytes = 50L * 1024 * 1024;
    private const string SkillFile = "SKILL.md";

    /// <returns>The names installed.</returns>
    public async Task<IReadOnlyList<string>> InstallAsync(TaskRequest request, string agentConfigDirectory, CancellationToken cancellationToken)
    {
        if (request.Skills.Count == 0) return [];
        var space = Namespace(request.Raw);
        var installed = new List<string>();
        foreach (var skill in request.Skills.DistinctBy(s => s.Name, StringComparer.Ordinal))
        {
            var name = skill.Name;
            if (!PathSegment.IsSafe(name) || name.StartsWith('.'))
            {
                logger.Warning("Skill '{Skill}' skipped: its name cannot be a folder name", name);
                continue;
            }

            try
            {
                var reference = skill.Reference ?? await LookUpAsync(name, space, request.AuthToken, cancellationToken).ConfigureAwait(false);
                var taskId = skill.Reference is null ? (long?)null : request.TaskId;
                var cached = await CachedAsync(name, reference, taskId, request.AuthToken, cancellationToken).ConfigureAwait(false);
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
            if (raw[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String && PayloadReader.TryGetString(v, out var s) && s.Length > 0) return s;
        }

        return SkillRequests.DefaultNamespace;
    }

    /// <summary>The cache folder of a skill: <c>{cache}/{namespace}/{skill_id}</c>. A namespace that is not a plain name
    /// is replaced by a hash (prefixed with <c>%</c>, which no plain name has).</summary>
    internal string CacheFolder(SkillReference reference)
    {
        var space = reference.Namespace;
        var folder = space.Length <= 64 && space.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? space
            : "%" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(space)))[..32];
        return Path.Combine(cacheDirectory, folder, reference.SkillId.ToString(CultureInfo.InvariantCulture));
    }

    private async Task<SkillReference> LookUpAsync(string name, string space, string? token, CancellationToken cancellationToken)
    {
        var found = await downloads.GetJsonAsync(
            $"api/v1/kinds/skills?name={Uri.EscapeDataString(name)}&namespace={Uri.EscapeDataString(space)}", token, cancellationToken).ConfigureAwait(false);
        var id = found?["items"] is JsonArray { Count: > 0 } items ? items[0]?["metadata"]?["labels"]?["id"] : null;
        return PayloadReader.Id(id, "id", out _) is { } skillId
            ? new SkillReference(skillId, space)
            : throw new DownloadException($"the backend knows no skill '{name}' in namespace '{space}'");
    }

    /// <param name="taskId">Sent with a download by reference (the backend checks the skill against the task); null for
    /// a skill looked up by name, downloaded as PROTOCOL.md describes.</param>
    private async Task<string> CachedAsync(string name, SkillReference reference, long? taskId, string? token, CancellationToken cancellationToken)
    {
        var cached = CacheFolder(reference);
        if (!clearCache && Directory.Exists(cached))
        {
            logger.Debug("Skill '{Skill}' ({Namespace}/{Id}) taken from the cache", name, reference.Namespace, reference.SkillId);
            return cached;
        }

        var url = $"api/v1/kinds/skills/{reference.SkillId.ToString(CultureInfo.InvariantCulture)}/download?namespace={Uri.EscapeDataString(reference.Namespace)}"
            + (taskId is { } id ? "&task_id=" + id.ToString(CultureInfo.InvariantCulture) : "");
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        var zipPath = Path.Combine(cacheDirectory, $".{name}-{Guid.NewGuid():N}.zip");
        var staging = Path.Combine(cacheDirectory, $".{name}-{Guid.NewGuid():N}");
        try
        {
            var zip = new FileStream(zipPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
            await using (zip.ConfigureAwait(false))
            {
                await downloads.DownloadAsync(url, token, zip, MaxSkillBytes, cancellationToken).ConfigureAwait(false);
                zip.Position = 0;
                SafeZip.Extract(zip, staging, SkillFile);
            }

            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
            MoveIntoCache(staging, cached);
            logger.Information("Downloaded skill '{Skill}' ({Namespace}/{Id})", name, reference.Namespace, reference.SkillId);
            return cached;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Another task may have put the same skill in place meanwhile: its copy is as good as ours.</summary>
    private static void MoveIntoCache(string staging, string cached)
    {
        try
        {
            Directory.Move(staging, cached);
        }
        catch (IOException) when (Directory.Exists(cached))
        {
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
