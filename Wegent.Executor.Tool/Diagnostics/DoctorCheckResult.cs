namespace Wegent.Executor.Diagnostics;

/// <summary>One line of <c>wegent-executor doctor</c>: what was checked, what was found, the fix when it failed, and
/// advice when it passed but something is worth doing (an advisory never fails the doctor).</summary>
public sealed record DoctorCheckResult(string Title, bool Passed, string Detail, string? Fix = null, string? Advice = null)
{
    public static DoctorCheckResult Pass(string title, string detail) => new(title, true, detail);

    public static DoctorCheckResult Fail(string title, string detail, string fix) => new(title, false, detail, fix);

    public static DoctorCheckResult Advise(string title, string detail, string advice) => new(title, true, detail, Advice: advice);

    public string Format() => (Passed, Advice) switch
    {
        (false, _) => $"✗ {Title}: {Detail} — fix: {Fix}",
        (true, null) => $"✓ {Title}: {Detail}",
        (true, _) => $"! {Title}: {Detail} — advice: {Advice}",
    };
}
