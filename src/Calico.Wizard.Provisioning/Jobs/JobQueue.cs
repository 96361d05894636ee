using System.Threading.Channels;

namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>Jobs waiting for the worker in this process; the database is the source of truth.</summary>
public sealed class JobQueue
{
    private readonly Channel<Guid> channel = Channel.CreateUnbounded<Guid>();

    public void Enqueue(Guid jobId) => channel.Writer.TryWrite(jobId);

    /// <summary>The next job queued here, or null when none arrives within <paramref name="wait"/>.</summary>
    public async Task<Guid?> NextAsync(TimeSpan wait, CancellationToken ct)
    {
        if (channel.Reader.TryRead(out var id)) return id;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(wait);
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
