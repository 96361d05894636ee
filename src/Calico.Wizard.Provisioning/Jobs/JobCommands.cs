using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>
/// What an operator can ask of a job — cancel, retry, run again — each a conditional write: it changes the job only
/// from the state it expects, in the same transaction as its log line and audit entry. Of any number of identical
/// requests at once, on any number of replicas, exactly one takes effect; the others are told the job moved on.
/// The store allows one queued or running job per cluster (<see cref="WizardDbContext.OneActiveJobIndex"/>).
/// </summary>
public sealed class JobCommands(IDbContextFactory<WizardDbContext> dbFactory, JobQueue queue, JobNotifier notifier, Replica replica, TimeProvider time)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Stops a running job (here, or through its owner's heartbeat on another replica); a pending one is cancelled at once.</summary>
    public Task<bool> CancelAsync(Guid jobId, CancellationToken ct = default) => CancelAsync(jobId, Actor.System, ct);

    /// <returns>False when the job is not queued or running, or a cancel of it was already asked.</returns>
    public async Task<bool> CancelAsync(Guid jobId, string actor, CancellationToken ct = default)
    {
        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var outcome = await ClusterStates.InTransactionAsync(db, async () =>
        {
            // Pending: cancelled at once. Conditional, so a worker claiming it at the same moment and this cancel cannot both win.
            var jobs = db.Jobs.Where(j => j.Id == jobId);
            if (await jobs.Where(j => j.State == JobState.Pending).ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.State, JobState.Cancelled).SetProperty(j => j.Error, "Cancelled before it started")
                    .SetProperty(j => j.FinishedAt, now), ct) > 0)
                return await RecordAsync(db, jobId, actor, AuditAction.Cancelled, "before it started",
                    "Finished: Cancelled — Cancelled before it started", ct);
            // Running on no replica (its lease ran out: the process died and none took it over yet): ended here.
            if (await jobs.Where(j => j.State == JobState.Running && (j.LeaseExpiresAt == null || j.LeaseExpiresAt < now)).ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.State, JobState.Cancelled).SetProperty(j => j.Error, "Cancelled while no replica ran it")
                    .SetProperty(j => j.FinishedAt, now).SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), ct) > 0)
                return await RecordAsync(db, jobId, actor, AuditAction.Cancelled, "while no replica ran it",
                    "Finished: Cancelled — Cancelled while no replica ran it", ct);
            // Running on a replica: asked once. The owner stops it at once when it is this process, else on its next heartbeat.
            if (await jobs.Where(j => j.State == JobState.Running && !j.CancelRequested)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), ct) > 0)
                return await RecordAsync(db, jobId, actor, AuditAction.Cancelled, "while running", "Cancel requested", ct);
            return false;
        }, ct);
        if (!outcome) return false;
        await replica.TryCancelAsync(jobId); // this process runs it: stop now rather than at the next heartbeat
        notifier.Notify(jobId);
        return true;
    }

    /// <summary>Runs a failed or cancelled job again from its first unfinished step, with the same spec.</summary>
    public Task<bool> RetryAsync(Guid jobId, CancellationToken ct = default) => RetryAsync(jobId, Actor.System, ct);

    /// <returns>
    /// False when the job is not failed or cancelled (another request retried it first), is not its cluster's newest,
    /// or its cluster has another job queued or running.
    /// </returns>
    public async Task<bool> RetryAsync(Guid jobId, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        bool retried;
        try
        {
            retried = await ClusterStates.InTransactionAsync(db, async () =>
            {
                // Only the cluster's newest job: retrying an older one after a newer was queued would apply older manifests over newer ones.
                if (await db.Jobs.Where(j => j.Id == jobId && (j.State == JobState.Failed || j.State == JobState.Cancelled)
                        && !db.Jobs.Any(n => n.ClusterId == j.ClusterId && n.CreatedAt > j.CreatedAt)).ExecuteUpdateAsync(s => s
                        .SetProperty(j => j.State, JobState.Pending).SetProperty(j => j.Error, (string?)null).SetProperty(j => j.FinishedAt, (DateTime?)null)
                        .SetProperty(j => j.CancelRequested, false).SetProperty(j => j.Attempts, 0)
                        .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), ct) == 0)
                    return false;
                await db.Set<JobStep>().Where(s => s.JobId == jobId && s.State != StepState.Succeeded && s.State != StepState.Skipped)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, StepState.Pending), ct);
                return await RecordAsync(db, jobId, actor, AuditAction.Retried, null, "Retry requested", ct);
            }, ct);
        }
        catch (Exception e) when (StoreConflicts.Of(e) == StoreConflict.ActiveJob)
        {
            return false; // the cluster has a newer job queued or running
        }
        if (!retried) return false;
        queue.Enqueue(jobId);
        notifier.Notify(jobId);
        return true;
    }

    /// <summary>Runs the cluster's spec again as a new job on the same target: an unchanged spec changes nothing.</summary>
    public Task<Guid?> RunAgainAsync(Guid clusterId, CancellationToken ct = default) => RunAgainAsync(clusterId, Actor.System, ct);

    /// <returns>The new job, or null when the cluster's newest job is still queued or running (or another request started one first).</returns>
    public async Task<Guid?> RunAgainAsync(Guid clusterId, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var last = await db.Jobs.AsNoTracking().Where(j => j.ClusterId == clusterId).OrderByDescending(j => j.CreatedAt).FirstOrDefaultAsync(ct);
        if (last is null || last.State is JobState.Pending or JobState.Running) return null;
        var now = Now;
        var job = new ProvisioningJob
        {
            Id = Guid.NewGuid(), ClusterId = clusterId, Target = last.Target, State = JobState.Pending, CreatedAt = now, ManifestYaml = last.ManifestYaml,
        };
        db.Jobs.Add(job);
        db.JobLog.Add(new JobLogLine { JobId = job.Id, At = now, Message = $"Run again on target {job.Target}" });
        db.Audit.Add(new AuditEntry { At = now, Actor = actor, Action = AuditAction.RunAgain, ClusterId = clusterId, JobId = job.Id });
        try
        {
            await ClusterStates.SaveChangesAsync(db, job.Id, ct); // the newest job now: the cluster reads "Pending"
        }
        catch (Exception e) when (StoreConflicts.Of(e) == StoreConflict.ActiveJob)
        {
            return null; // another run-again (or retry) of this cluster won: one job at a time
        }
        queue.Enqueue(job.Id);
        notifier.Notify(last.Id);
        return job.Id;
    }

    /// <summary>The log line and audit entry of a command that took effect, and the cluster's copy of the state, in the command's transaction.</summary>
    private async Task<bool> RecordAsync(WizardDbContext db, Guid jobId, string actor, AuditAction action, string? detail, string logLine, CancellationToken ct)
    {
        var clusterId = await db.Jobs.Where(j => j.Id == jobId).Select(j => j.ClusterId).SingleAsync(ct);
        await ClusterStates.CopyNewestJobStateAsync(db, jobId, ct);
        db.JobLog.Add(new JobLogLine { JobId = jobId, At = Now, Message = logLine });
        db.Audit.Add(new AuditEntry { At = Now, Actor = actor, Action = action, ClusterId = clusterId, JobId = jobId, Detail = detail });
        await db.SaveChangesAsync(ct);
        return true;
    }
}
