using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>What an operator can ask of a job — cancel, retry, run again — each recorded in the audit trail.</summary>
public sealed class JobCommands(IDbContextFactory<WizardDbContext> dbFactory, JobQueue queue, JobNotifier notifier, Replica replica, TimeProvider time)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Stops a running job (here, or through its owner's heartbeat on another replica); a pending one is cancelled at once.</summary>
    public Task<bool> CancelAsync(Guid jobId, CancellationToken ct = default) => CancelAsync(jobId, Actor.System, ct);

    public async Task<bool> CancelAsync(Guid jobId, string actor, CancellationToken ct = default)
    {
        if (await replica.TryCancelAsync(jobId))
        {
            await AuditAsync(actor, AuditAction.Cancelled, jobId, "while running", ct);
            return true;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Conditional, so a worker claiming the job at the same moment and this cancel cannot both win.
        var now = Now;
        var cancelled = await ClusterStates.InTransactionAsync(db, async () =>
        {
            var count = await db.Jobs.Where(j => j.Id == jobId && j.State == JobState.Pending).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, JobState.Cancelled).SetProperty(j => j.Error, "Cancelled before it started").SetProperty(j => j.FinishedAt, now), ct);
            if (count > 0) await ClusterStates.CopyNewestJobStateAsync(db, jobId, ct);
            return count;
        }, ct);
        if (cancelled == 0)
        {
            if (!await replica.TryCancelAsync(jobId)
                && await db.Jobs.Where(j => j.Id == jobId && j.State == JobState.Running).ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), ct) == 0)
                return false;
            await AuditAsync(actor, AuditAction.Cancelled, jobId, "while running", ct);
            return true;
        }
        db.JobLog.Add(new JobLogLine { JobId = jobId, At = now, Message = "Finished: Cancelled — Cancelled before it started" });
        await db.SaveChangesAsync(ct);
        await AuditAsync(actor, AuditAction.Cancelled, jobId, "before it started", ct);
        notifier.Notify(jobId);
        return true;
    }

    /// <summary>Runs a failed or cancelled job again from its first unfinished step, with the same spec.</summary>
    public Task<bool> RetryAsync(Guid jobId, CancellationToken ct = default) => RetryAsync(jobId, Actor.System, ct);

    public async Task<bool> RetryAsync(Guid jobId, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.Include(j => j.Steps).SingleOrDefaultAsync(j => j.Id == jobId, ct);
        if (job is not { State: JobState.Failed or JobState.Cancelled }) return false;
        job.State = JobState.Pending;
        job.Error = null;
        job.FinishedAt = null;
        job.CancelRequested = false;
        foreach (var step in job.Steps.Where(s => s.State is not (StepState.Succeeded or StepState.Skipped))) step.State = StepState.Pending;
        db.JobLog.Add(new JobLogLine { JobId = job.Id, At = Now, Message = "Retry requested" });
        db.Audit.Add(new AuditEntry { At = Now, Actor = actor, Action = AuditAction.Retried, ClusterId = job.ClusterId, JobId = job.Id });
        await ClusterStates.SaveChangesAsync(db, job.Id, ct); // "Queued" on the list, unless a newer job of the cluster speaks for it
        queue.Enqueue(jobId);
        notifier.Notify(jobId);
        return true;
    }

    /// <summary>Runs the cluster's spec again as a new job on the same target: an unchanged spec changes nothing.</summary>
    public Task<Guid?> RunAgainAsync(Guid clusterId, CancellationToken ct = default) => RunAgainAsync(clusterId, Actor.System, ct);

    public async Task<Guid?> RunAgainAsync(Guid clusterId, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var last = await db.Jobs.Where(j => j.ClusterId == clusterId).OrderByDescending(j => j.CreatedAt).FirstOrDefaultAsync(ct);
        if (last is null || last.State is JobState.Pending or JobState.Running) return null;
        var job = new ProvisioningJob { Id = Guid.NewGuid(), ClusterId = clusterId, Target = last.Target, State = JobState.Pending, CreatedAt = Now, ManifestYaml = last.ManifestYaml };
        db.Jobs.Add(job);
        db.JobLog.Add(new JobLogLine { JobId = job.Id, At = Now, Message = $"Run again on target {job.Target}" });
        db.Audit.Add(new AuditEntry { At = Now, Actor = actor, Action = AuditAction.RunAgain, ClusterId = clusterId, JobId = job.Id });
        await ClusterStates.SaveChangesAsync(db, job.Id, ct); // the newest job now: the cluster reads "Queued"
        queue.Enqueue(job.Id);
        notifier.Notify(last.Id);
        return job.Id;
    }

    private async Task AuditAsync(string actor, AuditAction action, Guid jobId, string detail, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var clusterId = await db.Jobs.Where(j => j.Id == jobId).Select(j => (Guid?)j.ClusterId).SingleOrDefaultAsync(ct);
        db.Audit.Add(new AuditEntry { At = Now, Actor = actor, Action = action, ClusterId = clusterId, JobId = jobId, Detail = detail });
        await db.SaveChangesAsync(ct);
    }
}
