namespace Wegent.E2E.Infrastructure;

/// <summary>The backend generation the dev backend speaks (WEGENT_DEV_PROTOCOL): <see cref="Responses"/>, every Wegent
/// backend since February 2026 and the dev backend's default, takes results as Responses-API events;
/// <see cref="Legacy"/>, the January 2026 backend, takes <c>task:progress</c> / <c>task:complete</c>.</summary>
public enum BackendGeneration
{
    Responses,
    Legacy,
}

public static class BackendGenerations
{
    /// <summary>Both generations, for a theory whose test runs against each.</summary>
    public static TheoryData<BackendGeneration> Both => new() { BackendGeneration.Responses, BackendGeneration.Legacy };

    /// <summary>The dev backend's setting that selects the generation.</summary>
    public static KeyValuePair<string, string?> Setting(this BackendGeneration generation) =>
        new("WEGENT_DEV_PROTOCOL", generation == BackendGeneration.Legacy ? "legacy" : "responses");
}
