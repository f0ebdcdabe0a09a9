namespace Wegent.E2E.Infrastructure;

/// <summary>A dev backend of one generation and an executor registered with it: what a task test starts with, disposed
/// together (the executor first).</summary>
public sealed class TaskRig : IAsyncDisposable
{
    private TaskRig(DevBackend backend, ExecutorProcess executor)
    {
        Backend = backend;
        Executor = executor;
    }

    public DevBackend Backend { get; }

    public ExecutorProcess Executor { get; }

    public static async Task<TaskRig> StartAsync(BackendGeneration generation, Dictionary<string, string?>? executorSettings = null)
    {
        var backend = await DevBackend.StartAsync(generation);
        var rig = new TaskRig(backend, ExecutorProcess.Start(backend, executorSettings));
        try
        {
            await rig.WaitRegisteredAsync();
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    public void Deconstruct(out DevBackend backend, out ExecutorProcess executor) => (backend, executor) = (Backend, Executor);

    /// <summary>Until the backend lists the executor's device as connected (again, after a restart).</summary>
    public Task WaitRegisteredAsync() =>
        Backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == Executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered");

    public async ValueTask DisposeAsync()
    {
        await Executor.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
