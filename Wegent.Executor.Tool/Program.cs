using Wegent.Executor;
using Wegent.Executor.Cli;

return await ExecutorCommandLine.ParseAndInvokeAsync(args, ExecutorProgram.RunAsync);
