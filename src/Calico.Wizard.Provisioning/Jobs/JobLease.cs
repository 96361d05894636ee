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

    private JobLease(IDbContextFactory<WizardDbContext> dbFactory, Replica replica, ProvisioningOptions settings, TimeProvider time, ILogger logger,
        Guid jobId, CancellationTokenSource job) =>
        (this.dbFactory, this.replica, this.settings, this.time, this.logger, this.jobId, this.job) = (dbFactory, replica, settings, time, logger, jobId, job);

    /// <summary>The replica the lease is written to.</summary>
    public string Owner => replica.Owner;

    /// <summary>True once the lease was lost: another replica owns the job now.</summary>
    public bool Lost { get; private set; }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Claims a pending job, or a running one whose lease expired (or is this replica's); null when another replica holds it.</summary>
    public static async Task<JobLease?> ClaimAsync(IDbContextFactory<WizardDbContext> dbFactory, Replica replica, ProvisioningOptions settings,
        TimeProvider time, ILogger logger, Guid jobId, CancellationTokenSource job, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var until = now + settings.LeaseDuration;
        var owner = replica.Owner;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // The claim and the cluster's copy of the state (the clusters list's "Running") commit together. Every claim
        // counts as an attempt until a step finishes (StepRunner resets it): a job whose worker keeps dying gives up.
        var outcome = await ClusterStates.InTransactionAsync(db, async () =>
        {
            var claimed = await db.Jobs
                .Where(j => j.Id == jobId && (j.State == JobState.Pending
                    || (j.State == JobState.Running && (j.LeaseExpiresAt == null || j.LeaseExpiresAt < now || j.LeaseOwner == owner))))
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Running).SetProperty(j => j.StartedAt, j => j.StartedAt ?? now)
                    .SetProperty(j => j.LeaseOwner, owner).SetProperty(j => j.LeaseExpiresAt, until).SetProperty(j => j.Attempts, j => j.Attempts + 1), ct);
            if (claimed == 0) return Claim.Lost;
            var job = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => new { j.Attempts, j.CancelRequested }).SingleAsync(ct);
            if (job.Attempts > settings.MaxAttempts)
            {
                var step = await db.Set<JobStep>().AsNoTracking().Where(s => s.JobId == jobId && s.State == StepState.Running)
                    .OrderBy(s => s.Index).Select(s => s.Name).FirstOrDefaultAsync(ct);
                var error = $"gave up after {settings.MaxAttempts} attempts: the worker stopped " +
                            $"{(step is null ? "before the first step" : $"during '{step}'")} each time " +
                            "without finishing it (a crash, a restart or a step that takes its process down). Retry runs it again from that step.";
                await StepRunner.FailRunningAsync(db, jobId, owner, error, "the worker stopped during this step", now, ct); // just claimed: ours
                logger.LogWarning("Provisioning job {JobId} gave up after {Attempts} attempts", jobId, settings.MaxAttempts);
                return Claim.GaveUp;
            }
            await ClusterStates.CopyNewestJobStateAsync(db, jobId, ct);
            db.JobLog.Add(new JobLogLine { JobId = jobId, At = now, Message = $"Claimed by {owner}" });
            await db.SaveChangesAsync(ct);
            return job.CancelRequested ? Claim.CancelRequested : Claim.Won;
        }, ct);
        if (outcome is Claim.Lost or Claim.GaveUp) return null;
        if (outcome == Claim.CancelRequested) await job.CancelAsync(); // asked while no replica ran it: the runner ends it before its next step
        var lease = new JobLease(dbFactory, replica, settings, time, logger, jobId, job);
        lease.heartbeat = lease.RenewAsync();
        return lease;
    }

    private enum Claim { Lost, GaveUp, CancelRequested, Won }

    private async Task RenewAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(settings.HeartbeatInterval, time, stop.Token);
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
