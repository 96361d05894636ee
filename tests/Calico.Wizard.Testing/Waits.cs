namespace Calico.Wizard.Testing;

/// <summary>
/// Ceilings for the conditions browser tests wait on. CI runs the four test projects at once on two cores, often
/// with another process busy, and a freshly started app compiles its pages on its first circuit: a wait is on a
/// condition, never a fixed time, and its ceiling is generous because reaching it only ever means a failure.
/// </summary>
public static class Waits
{
    /// <summary>Any element, state or value the page is expected to show (Playwright's default is 5 s).</summary>
    public const float Expect = 30_000;

    /// <summary>A dry-run job from submit to its final state, as the cluster page shows it.</summary>
    public const float JobFinished = 90_000;

    /// <summary>The app process answering after it was started.</summary>
    public static readonly TimeSpan AppStarted = TimeSpan.FromSeconds(120);

    /// <summary>A message from another process or frame (postMessage, a replica's job state).</summary>
    public static readonly TimeSpan Message = TimeSpan.FromSeconds(60);
}
