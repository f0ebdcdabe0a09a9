using System.Text.Json;

namespace Wegent.Executor.Configuration;

/// <summary>The identity kept by the upstream Wegent local executor (Rust) in <c>device-config.json</c> of its home (the
/// same <c>WEGENT_EXECUTOR_HOME</c>, default <c>~/.wegent-executor</c>): a JSON object whose <c>device_id</c> and
/// <c>runtime_instance_id</c> strings a user switching to this tool keeps. The file also holds that executor's token;
/// nothing else of it is read, and none of it is logged.</summary>
public sealed record UpstreamExecutorConfig(string? DeviceId, string? RuntimeInstanceId)
{
    public const string FileName = "device-config.json";

    /// <summary>Larger files are not that executor's config.</summary>
    private const long MaxBytes = 1024 * 1024;

    /// <returns>Null when the file is absent, unreadable or not a JSON object.</returns>
    public static UpstreamExecutorConfig? Read(string path)
    {
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists || file.Length > MaxBytes) return null;
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? new UpstreamExecutorConfig(Id(document.RootElement, "device_id"), Id(document.RootElement, "runtime_instance_id"))
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static string? Id(JsonElement config, string key) =>
        config.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String
        && value.GetString()!.Trim() is { Length: > 0 and <= DeviceIdentity.MaximumLength } id
            ? id
            : null;
}
