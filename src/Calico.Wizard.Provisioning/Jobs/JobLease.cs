using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>
/// A job claimed by this replica: claimed with a conditional update (two replicas never both win), renewed by a
/// heartbeat while the job runs, and lost — stopping the job — when another replica took it over or a cancel was
/// asked on a replica that does not run it.
/// </summary>
public sealed class JobLease : IAsyncDisposable
{
    private readonly IDbContextFactory<WizardDbContext> dbFactory;
    private readonly Replica replica;
    private readonly ProvisioningOptions settings;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Guid jobId;
    private readonly CancellationTokenSource job;
    private readonly CancellationTokenSource stop = new();
    private Task heartbeat = Task.CompletedTask;

    private JobLease(IDbContextFactory<WizardDbContext> dbFactory, Replica replica, ProvisioningOptions settings, TimeProvider time, ILogger logger, Guid jobId, CancellationTokenSource job) =>
        (this.dbFactory, this.replica, this.settings, this.time, this.logger, this.jobId, this.job) = (dbFactory, replica, settings, time, logger, jobId, job);

    /// <summary>True once the lease was lost: another replica owns the job now.</summary>
    public bool Lost { get; private set; }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Claims a pending job, or a running one whose lease expired (or is this replica's); null when another replica holds it.</summary>
    public static async Task<JobLease?> ClaimAsync(IDbContextFactory<WizardDbContext> dbFactory, Replica replica, ProvisioningOptions settings, TimeProvider time,
        ILogger logger, Guid jobId, CancellationTokenSource job, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var until = now + settings.LeaseDuration;
        var owner = replica.Owner;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // The claim and the cluster's copy of the state (the clusters list's "Running") commit together.
        var won = await ClusterStates.InTransactionAsync(db, async () =>
        {
            var claimed = await db.Jobs
                .Where(j => j.Id == jobId && (j.State == JobState.Pending || (j.State == JobState.Running && (j.LeaseExpiresAt == null || j.LeaseExpiresAt < now || j.LeaseOwner == owner))))
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Running).SetProperty(j => j.StartedAt, j => j.StartedAt ?? now)
                    .SetProperty(j => j.LeaseOwner, owner).SetProperty(j => j.LeaseExpiresAt, until), ct);
            if (claimed == 0) return false;
            await ClusterStates.CopyNewestJobStateAsync(db, jobId, ct);
            db.JobLog.Add(new JobLogLine { JobId = jobId, At = now, Message = $"Claimed by {owner}" });
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);
        if (!won) return null;
        var lease = new JobLease(dbFactory, replica, settings, time, logger, jobId, job);
        lease.heartbeat = lease.RenewAsync();
        return lease;
    }

    private async Task RenewAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(settings.HeartbeatInterval, stop.Token);
                await using var db = await dbFactory.CreateDbContextAsync(stop.Token);
                var until = Now + settings.LeaseDuration;
                var owner = replica.Owner;
                var renewed = await db.Jobs.Where(j => j.Id == jobId && j.LeaseOwner == owner && j.State == JobState.Running)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, until), stop.Token);
                if (renewed == 0) { Lost = true; await job.CancelAsync(); return; }
                replica.Alive();
                if (await db.Jobs.AnyAsync(j => j.Id == jobId && j.CancelRequested, stop.Token)) { await job.CancelAsync(); return; }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        catch (Exception e) { logger.LogWarning(e, "Could not renew the lease of job {JobId}", jobId); }
    }

    /// <summary>Gives the job up at once (the process is stopping), so another replica need not wait for the lease to expire.</summary>
    public async Task ReleaseAsync()
    {
        await StopRenewingAsync(); // a heartbeat after this would take the lease back
        var owner = replica.Owner;
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.Jobs.Where(j => j.Id == jobId && j.LeaseOwner == owner && j.State == JobState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, (DateTime?)null));
    }

    private async Task StopRenewingAsync()
    {
        if (!stop.IsCancellationRequested) await stop.CancelAsync();
        await heartbeat;
    }

    /// <summary>Stops renewing.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopRenewingAsync();
        stop.Dispose();
    }
}
