using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Calico.Wizard.Features.CreateCluster;

public sealed class WizardOptions
{
    /// <summary>
    /// A draft is written at most once per this window (the last change wins); Next, Back, submit, closing the tab and
    /// a graceful shutdown write at once. A crash loses at most this window's typing.
    /// </summary>
    public TimeSpan AutosaveDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The address map on the Network step is drawn again this long after the last change (each change starts the
    /// wait again): the field's message answers each key at once, the map once per pause in typing. Zero: every change.
    /// </summary>
    public TimeSpan MapDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A tab hidden or untouched this long pauses its circuit (the server frees it); zero: never.</summary>
    public TimeSpan PauseAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The most circuits (open, unpaused tabs) one client may hold at once: a signed-in operator, or an address without
    /// sign-in. Zero: no limit.
    /// </summary>
    public int MaxCircuitsPerClient { get; set; } = 50;
}

/// <summary>
/// Coalesces each circuit's draft writes (one per <see cref="WizardOptions.AutosaveDelay"/>) and, on a graceful
/// shutdown, writes every draft that still has unsaved changes before the host stops.
/// </summary>
/// <param name="time">What the window is timed on, and "Draft saved" stamped with (a test's clock lets the window pass).</param>
public sealed class DraftAutosave(IOptions<WizardOptions> options, TimeProvider time, ILogger<DraftAutosave> logger) : IHostedService
{
    private readonly ConcurrentDictionary<WizardState, byte> live = new();

    public TimeSpan Delay => options.Value.AutosaveDelay;

    /// <summary>Completes once the autosave window has passed on the clock.</summary>
    public Task WindowAsync() => Task.Delay(Delay, time);

    public DateTime Now => time.GetUtcNow().UtcDateTime;

    public void Track(WizardState state) => live.TryAdd(state, 0);

    public void Forget(WizardState state) => live.TryRemove(state, out _);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var pending = live.Keys.ToArray();
        foreach (var state in pending)
        {
            try { await state.FlushAsync(); }
            catch (Exception e) { logger.LogError(e, "Could not write draft {DraftId} at shutdown", state.Draft.Id); }
        }
        if (pending.Length > 0) logger.LogInformation("Wrote {Count} open draft(s) at shutdown", pending.Length);
    }
}
