using Serilog;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Workspace;

public sealed record WorkspaceOptions
{
    /// <summary>The executor's <c>$WEGENT_EXECUTOR_HOME/cache/skills</c>.</summary>
    public required string SkillsCacheDirectory { get; init; }

    /// <summary>SKILL_CLEAR_CACHE: download skills again for every task.</summary>
    public bool SkillClearCache { get; init; } = true;

    /// <summary>LOCAL_GIT_TIMEOUT: the longest a clone may take.</summary>
    public TimeSpan GitTimeout { get; init; } = TimeSpan.FromSeconds(600);

    public long MaxAttachmentBytes { get; init; } = AttachmentDownloader.DefaultMaxBytes;

    public long MaxPromptImageBytes { get; init; } = PromptImages.DefaultMaxBytes;

    /// <summary>Turns an encrypted <c>user.git_token</c> into the token; the default takes it as given.</summary>
    public Func<string?, string?> DecryptSecret { get; init; } = secret => secret;
}

/// <summary>Prepares a task's workspace (PROTOCOL.md section 6): <c>{root}/{task_id}/</c>, the repository checkout,
/// skills in <c>.claude/skills/</c>, attachments and the prompt's images, with the prompt pointing at those files.</summary>
public sealed class TaskWorkspacePreparer(
    WorkspaceLayout layout,
    WorkspaceOptions settings,
    BackendDownloads downloads,
    GitCommand git,
    ILogger logger) : IWorkspacePreparer
{
    public async Task<PreparedWorkspace> PrepareAsync(TaskRequest request, CancellationToken cancellationToken)
    {
        var repository = request.GitUrl is { } gitUrl ? RepositoryUrl.Parse(gitUrl) : null;
        var taskDirectory = layout.PrepareTaskDirectory(request.TaskId);

        string? checkout = null;
        if (repository is not null)
        {
            var identity = GitIdentity.From(request, settings.DecryptSecret);
            checkout = await new RepositoryCheckout(git, settings.GitTimeout, logger)
                .EnsureAsync(taskDirectory, repository, request.BranchName, identity, cancellationToken).ConfigureAwait(false);
        }

        await new SkillInstaller(downloads, settings.SkillsCacheDirectory, settings.SkillClearCache, logger)
            .InstallAsync(request, layout.AgentConfigDirectory(request.TaskId), cancellationToken).ConfigureAwait(false);
        var attachments = await new AttachmentDownloader(downloads, settings.MaxAttachmentBytes, logger)
            .DownloadAsync(request, taskDirectory, cancellationToken).ConfigureAwait(false);

        var prompt = new PromptImages(settings.MaxPromptImageBytes, logger).Compose(request, taskDirectory);
        return new PreparedWorkspace
        {
            TaskDirectory = taskDirectory,
            WorkingDirectory = checkout ?? taskDirectory,
            RepositoryDirectory = checkout,
            Prompt = attachments.Count > 0
                ? AttachmentDownloader.RewritePrompt(prompt ?? request.Prompt, attachments, request.TaskId, request.SubtaskId)
                : prompt,
        };
    }
}
