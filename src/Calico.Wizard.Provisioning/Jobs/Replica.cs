using System.Collections.Concurrent;

namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>This process as the job store sees it: the name its leases carry, the jobs it runs, and when it last turned.</summary>
public sealed class Replica(TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> running = new();

    /// <summary>
    /// This replica, as written in the leases it holds and shown with a job: opaque, so readers learn no host name
    /// or process id (the log says once which process it is).
    /// </summary>
    public string Owner { get; } = $"replica-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>When the worker's loop last went round or a running job's lease was renewed: /readyz reports a worker that stopped.</summary>
    public DateTime LastAliveAt { get; private set; }

    public void Alive() => LastAliveAt = time.GetUtcNow().UtcDateTime;

    /// <summary>Registers a job this process starts; false when it already runs it.</summary>
    public bool TryStart(Guid jobId, CancellationTokenSource cancel) => running.TryAdd(jobId, cancel);

    public void Stopped(Guid jobId) => running.TryRemove(jobId, out _);

    /// <summary>Cancels the job if this process runs it.</summary>
    public async Task<bool> TryCancelAsync(Guid jobId)
    {
        if (!running.TryGetValue(jobId, out var cancel)) return false;
        try { await cancel.CancelAsync(); }
        catch (ObjectDisposedException) { return false; } // it finished meanwhile
        return true;
    }
}
