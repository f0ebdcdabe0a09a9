// Each test starts a backend, a model server, an executor and Claude Code: on two cores they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
