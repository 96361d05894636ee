using System.Threading.Channels;

namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>Jobs waiting for the worker in this process; the database is the source of truth.</summary>
/// <param name="time">What the wait for the next job is timed on (a test's clock decides when the worker polls).</param>
public sealed class JobQueue(TimeProvider time)
{
    private readonly Channel<Guid> channel = Channel.CreateUnbounded<Guid>();

    public void Enqueue(Guid jobId) => channel.Writer.TryWrite(jobId);

    /// <summary>The next job queued here, or null when none arrives within <paramref name="wait"/>.</summary>
    public async Task<Guid?> NextAsync(TimeSpan wait, CancellationToken ct)
    {
        if (channel.Reader.TryRead(out var id)) return id;
        // a linked source's CancelAfter would run on the system's timers: the wait is its own source, on the clock
        using var waited = new CancellationTokenSource(wait, time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, waited.Token);
        try
        {
            return await channel.Reader.WaitToReadAsync(timeout.Token) && channel.Reader.TryRead(out id) ? id : null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }
}
