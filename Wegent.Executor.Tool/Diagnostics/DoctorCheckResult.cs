namespace Wegent.Executor.Diagnostics;

/// <summary>One line of <c>wegent-executor doctor</c>: what was checked, what was found, and the fix when it failed.</summary>
public sealed record DoctorCheckResult(string Title, bool Passed, string Detail, string? Fix = null)
{
    public static DoctorCheckResult Pass(string title, string detail) => new(title, true, detail);

    public static DoctorCheckResult Fail(string title, string detail, string fix) => new(title, false, detail, fix);

    public string Format() => Passed ? $"✓ {Title}: {Detail}" : $"✗ {Title}: {Detail} — fix: {Fix}";
}
