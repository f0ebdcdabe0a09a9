using Serilog;
using Wegent.Executor.Agents;
using Wegent.Executor.Configuration;
using Wegent.Executor.Connection;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Logging;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;
using Wegent.Executor.Telemetry;
using Wegent.Executor.Workspace;

namespace Wegent.Executor;

/// <summary>Wires the parts together and owns the executor's lifetime: run until stopped, then shut down in order
/// (stop taking work, stop and report runs, flush the outbox, disconnect) within the graceful shutdown timeout.</summary>
public sealed class ExecutorHost(
    ExecutorOptions options,
    DeviceRegistration registration,
    IAgent agent,
    ISocketIoConnectionFactory connections,
    FailureAdvice help,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Time kept back from the shutdown budget for disconnecting and flushing logs.</summary>
    private static readonly TimeSpan ShutdownReserve = TimeSpan.FromMilliseconds(500);

    /// <summary>Runs until <paramref name="stop"/> is cancelled or the backend refuses the executor; with
    /// <see cref="ExecutorOptions.RunOnce"/>, until the first dispatched task's final result was delivered.</summary>
    /// <returns>False only when <see cref="ExecutorOptions.RunOnce"/> is set and that task did not complete (or never came).</returns>
    /// <exception cref="BackendRefusedException">The backend refused the token.</exception>
    public async Task<bool> RunAsync(CancellationToken stop)
    {
        var session = new ExecutorSession(connections, new ExecutorSessionOptions
        {
            BackendUrl = options.BackendUrl,
            Token = options.AuthToken,
            HeartbeatInterval = options.HeartbeatInterval,
            HeartbeatTimeout = options.HeartbeatTimeout,
            ReconnectDelay = options.ReconnectDelay,
            ReconnectMaxDelay = options.ReconnectMaxDelay,
            MaxConcurrentTasks = options.MaxConcurrentTasks,
            ConnectionFailureHelp = help.ConnectionFailed,
        }, registration, time, For("connection"));

        var outbox = new Outbox(options.OutboxDirectory, For("outbox"));
        var watch = new SingleTaskWatch(session);
        var delivery = new ReportDelivery(watch, outbox,
            new DeliveryOptions { ProgressInterval = options.ProgressInterval, ResultProtocol = options.ResultProtocol }, time, For("delivery"));
        await using (delivery.ConfigureAwait(false))
        {
            using var outboxDepth = ExecutorTelemetry.ObserveOutboxDepth(() => delivery.PendingFinals);
            var layout = new WorkspaceLayout(options.WorkspaceRoot);
            using var downloads = new BackendDownloads(options.BackendUrl);
            var workspaceSettings = new WorkspaceOptions
            {
                SkillsCacheDirectory = options.SkillsCacheDirectory,
                SkillClearCache = options.SkillClearCache,
                GitTimeout = options.GitTimeout,
                DecryptSecret = secret => secret is null ? null : TaskSecrets.Decrypt(secret, ExecutorVariable),
            };
            var runner = new TaskRunner(
                new TracedAgent(agent),
                delivery,
                layout,
                new TracedWorkspacePreparer(new TaskWorkspacePreparer(layout, workspaceSettings, downloads, new GitCommand(), For("workspace"))),
                new AgentRequestBuilder(layout, new AgentRequestBuilderOptions
                {
                    FallbackApiKey = options.AnthropicApiKey,
                    OwnerBaseUrl = options.AnthropicBaseUrl,
                    AllowedVariables = options.AgentEnvAllow,
                    ExecutorVariable = ExecutorVariable,
                }),
                new TaskRunnerOptions { AgentFailureHelp = help.AgentInitializationFailed },
                time,
                For("task"));
            var journal = new RunJournal(options.RunJournalDirectory, For("tasks"));
            var queue = new TaskQueue(
                options.MaxConcurrentTasks,
                (request, control) => journal.TrackAsync(request, () => runner.RunAsync(request, control)),
                runner.ReportCancelledBeforeStart,
                For("tasks"));
            var intake = new TaskIntake(queue, runner, session, registration.DeviceId, For("tasks"), watch.Dispatched);

            var resumed = delivery.ResumeFromOutbox();
            if (resumed > 0) logger.Information("Resending {Count} final result(s) left in the outbox", resumed);
            foreach (var interrupted in journal.TakeInterrupted())
            {
                // A final already in the outbox means the run did finish; it is being resent.
                if (!outbox.Contains(interrupted.SubtaskId)) runner.ReportInterrupted(interrupted);
            }

            using var sessionStop = new CancellationTokenSource();
            var retention = new WorkspaceRetention(layout, options.WorkspaceRetentionDays, time, For("workspace"));
            var sweeping = SweepDailyAsync(retention, () => queue.RunningTaskIds, sessionStop.Token);
            var sessionRun = session.RunAsync(intake, sessionStop.Token);
            var stopped = Task.Delay(Timeout.Infinite, stop);
            await Task.WhenAny(options.RunOnce ? [sessionRun, stopped, watch.Finished] : [sessionRun, stopped]).ConfigureAwait(false);
            if (sessionRun.IsCompleted)
            {
                await sessionStop.CancelAsync().ConfigureAwait(false);
                await queue.StopAsync(CancellationToken.None).ConfigureAwait(false);
                await sessionRun.ConfigureAwait(false);
                return !options.RunOnce;
            }

            if (options.RunOnce && watch.Finished.IsCompletedSuccessfully)
            {
                logger.Information("The task of this --once run was delivered ({Outcome}); exiting", watch.Finished.Result ? "completed" : "not completed");
            }

            logger.Information("Shutting down: no new tasks; stopping {Running} running task(s)", queue.RunningTaskIds.Count);
            using var deadline = new CancellationTokenSource(options.GracefulShutdownTimeout - ShutdownReserve, time);
            await WaitQuietlyAsync(queue.StopAsync(deadline.Token)).ConfigureAwait(false);
            if (session.IsReady) await WaitQuietlyAsync(delivery.WhenAllDeliveredAsync(deadline.Token)).ConfigureAwait(false);
            if (delivery.PendingFinals > 0)
            {
                logger.Warning("{Count} final result(s) stay in the outbox and are sent at the next start", delivery.PendingFinals);
            }

            await sessionStop.CancelAsync().ConfigureAwait(false);
            await WaitQuietlyAsync(sessionRun).ConfigureAwait(false);
            await WaitQuietlyAsync(sweeping).ConfigureAwait(false);
            logger.Information("Stopped");
            return !options.RunOnce || (watch.Finished.IsCompletedSuccessfully && watch.Finished.Result);
        }
    }

    private ILogger For(string component) => logger.ForComponent(component);

    /// <summary>The executor's environment, with the AES key and IV of encrypted secrets as configured (config.env
    /// included, which the environment does not hold).</summary>
    private string? ExecutorVariable(string name) => name switch
    {
        TaskSecrets.KeyVariable => options.GitTokenAesKey,
        TaskSecrets.IvVariable => options.GitTokenAesIv,
        _ => Environment.GetEnvironmentVariable(name),
    };

    /// <summary>Removes old workspaces at start-up and then once a day.</summary>
    private async Task SweepDailyAsync(WorkspaceRetention retention, Func<IReadOnlyList<long>> running, CancellationToken cancellationToken)
    {
        await Task.Yield();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                retention.Sweep(running().ToHashSet());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.Warning("Workspace clean-up failed: {Error}", ex.Message);
            }

            await Task.Delay(TimeSpan.FromDays(1), time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WaitQuietlyAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
