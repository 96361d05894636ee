using System.Collections.Concurrent;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Provisioning.Store;
using Calico.Wizard.Provisioning.Targets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>
/// Runs jobs one step at a time and records each step, so a restart resumes unfinished jobs where they
/// stopped, a failed job can be retried without re-entering anything, and a running one can be cancelled.
/// Several replicas share one store: a job is claimed with a lease (a conditional update, so two replicas never
/// both win), renewed while it runs, and taken over by another replica once a crashed owner's lease expires.
/// </summary>
public sealed class ProvisioningWorker(
    IDbContextFactory<WizardDbContext> dbFactory,
    JobQueue queue,
    JobNotifier notifier,
    IEnumerable<IProvisioningTarget> targets,
    ClusterRules rules,
    TimeProvider time,
    IOptions<ProvisioningOptions> options,
    ILogger<ProvisioningWorker> logger) : BackgroundService
{
    public const string CheckRulesStep = "Check every rule again on the server";
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> running = new();
    private readonly ProvisioningOptions settings = options.Value;

    /// <summary>This replica, as written in the leases it holds.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>When the loop last went round or a running job's lease was renewed: /readyz reports a worker that stopped.</summary>
    public DateTime LastAliveAt { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            LastAliveAt = Now;
            try
            {
                // A job submitted here starts at once; others (other replicas', expired leases, a restart's) by polling.
                IReadOnlyList<Guid> candidates = await queue.NextAsync(settings.PollInterval, stoppingToken) is { } queued ? [queued] : await ClaimableAsync(stoppingToken);
                foreach (var jobId in candidates)
                {
                    try { await RunAsync(jobId, stoppingToken); }
                    catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                    {
                        logger.LogError(e, "Provisioning job {JobId} stopped unexpectedly", jobId);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                logger.LogError(e, "The provisioning worker could not read the store; trying again");
                await Task.Delay(settings.PollInterval, stoppingToken);
            }
        }
    }

    private async Task<IReadOnlyList<Guid>> ClaimableAsync(CancellationToken ct)
    {
        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Jobs
            .Where(j => j.State == JobState.Pending || (j.State == JobState.Running && (j.LeaseExpiresAt == null || j.LeaseExpiresAt < now)))
            .OrderBy(j => j.CreatedAt).Select(j => j.Id).Take(20).ToListAsync(ct);
    }

    /// <summary>Stops a running job (here, or through its owner's heartbeat on another replica); a pending one is cancelled at once.</summary>
    public async Task<bool> CancelAsync(Guid jobId, CancellationToken ct = default) => await CancelAsync(jobId, Actor.System, ct);

    public async Task<bool> CancelAsync(Guid jobId, string actor, CancellationToken ct = default)
    {
        if (running.TryGetValue(jobId, out var cts))
        {
            await cts.CancelAsync();
            await AuditAsync(actor, AuditAction.Cancelled, jobId, "while running", ct);
            return true;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Conditional, so a worker claiming the job at the same moment and this cancel cannot both win.
        var now = Now;
        var cancelled = await db.Jobs.Where(j => j.Id == jobId && j.State == JobState.Pending).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.State, JobState.Cancelled).SetProperty(j => j.Error, "Cancelled before it started").SetProperty(j => j.FinishedAt, now), ct);
        if (cancelled == 0)
        {
            if (running.TryGetValue(jobId, out cts)) { await cts.CancelAsync(); }
            else if (await db.Jobs.Where(j => j.Id == jobId && j.State == JobState.Running).ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), ct) == 0)
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
        foreach (var step in job.Steps.Where(s => s.State != StepState.Succeeded)) step.State = StepState.Pending;
        db.JobLog.Add(new JobLogLine { JobId = job.Id, At = Now, Message = "Retry requested" });
        db.Audit.Add(new AuditEntry { At = Now, Actor = actor, Action = AuditAction.Retried, ClusterId = job.ClusterId, JobId = job.Id });
        await db.SaveChangesAsync(ct);
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
        await db.SaveChangesAsync(ct);
        queue.Enqueue(job.Id);
        notifier.Notify(last.Id);
        return job.Id;
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private async Task AuditAsync(string actor, AuditAction action, Guid jobId, string detail, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var clusterId = await db.Jobs.Where(j => j.Id == jobId).Select(j => (Guid?)j.ClusterId).SingleOrDefaultAsync(ct);
        db.Audit.Add(new AuditEntry { At = Now, Actor = actor, Action = action, ClusterId = clusterId, JobId = jobId, Detail = detail });
        await db.SaveChangesAsync(ct);
    }

    private async Task RunAsync(Guid jobId, CancellationToken stoppingToken)
    {
        // Cancellable before anyone can see the job Running, then claimed atomically: a job cancelled while
        // Pending is never started, and one claimed is never also marked cancelled-before-start.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        if (!running.TryAdd(jobId, cts)) return; // already running here
        try
        {
            if (!await ClaimAsync(jobId, stoppingToken)) return;
            using (logger.BeginScope(new Dictionary<string, object> { ["JobId"] = jobId, ["Owner"] = Owner }))
            {
                var lease = new LeaseKeeper(this, dbFactory, logger, jobId, cts);
                var heartbeat = lease.RunAsync();
                try
                {
                    await RunClaimedAsync(jobId, cts, lease, stoppingToken);
                }
                finally
                {
                    lease.Stop();
                    await heartbeat;
                    if (stoppingToken.IsCancellationRequested) await ReleaseAsync(jobId); // let another replica take it at once
                }
            }
        }
        finally
        {
            running.TryRemove(jobId, out _);
        }
    }

    private async Task<bool> ClaimAsync(Guid jobId, CancellationToken ct)
    {
        var now = Now;
        var until = now + settings.LeaseDuration;
        var owner = Owner;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var claimed = await db.Jobs
            .Where(j => j.Id == jobId && (j.State == JobState.Pending || (j.State == JobState.Running && (j.LeaseExpiresAt == null || j.LeaseExpiresAt < now || j.LeaseOwner == owner))))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Running).SetProperty(j => j.StartedAt, j => j.StartedAt ?? now)
                .SetProperty(j => j.LeaseOwner, owner).SetProperty(j => j.LeaseExpiresAt, until), ct);
        if (claimed == 0) return false;
        db.JobLog.Add(new JobLogLine { JobId = jobId, At = now, Message = $"Claimed by {owner}" });
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Renews the lease while the job runs; stops the job when the lease was lost or a cancel was asked elsewhere.</summary>
    private sealed class LeaseKeeper(ProvisioningWorker worker, IDbContextFactory<WizardDbContext> dbFactory, ILogger logger, Guid jobId, CancellationTokenSource job)
    {
        private readonly CancellationTokenSource stop = new();
        public bool Lost { get; private set; }

        public void Stop() => stop.Cancel();

        public async Task RunAsync()
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(worker.settings.HeartbeatInterval, stop.Token);
                    await using var db = await dbFactory.CreateDbContextAsync(stop.Token);
                    var until = worker.Now + worker.settings.LeaseDuration;
                    var owner = worker.Owner;
                    var renewed = await db.Jobs.Where(j => j.Id == jobId && j.LeaseOwner == owner && j.State == JobState.Running)
                        .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, until), stop.Token);
                    if (renewed == 0) { Lost = true; await job.CancelAsync(); return; }
                    worker.LastAliveAt = worker.Now;
                    if (await db.Jobs.AnyAsync(j => j.Id == jobId && j.CancelRequested, stop.Token)) { await job.CancelAsync(); return; }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e) { logger.LogWarning(e, "Could not renew the lease of job {JobId}", jobId); }
        }
    }

    private async Task ReleaseAsync(Guid jobId)
    {
        var owner = Owner;
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.Jobs.Where(j => j.Id == jobId && j.LeaseOwner == owner && j.State == JobState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, (DateTime?)null));
    }

    private async Task RunClaimedAsync(Guid jobId, CancellationTokenSource cts, LeaseKeeper lease, CancellationToken stoppingToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
        var job = await db.Jobs.Include(j => j.Steps).SingleAsync(j => j.Id == jobId, stoppingToken);
        var cluster = await db.Clusters.AsNoTracking().SingleAsync(c => c.Id == job.ClusterId, stoppingToken);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["ClusterId"] = cluster.Id, ["Cluster"] = cluster.Name });
        var spec = ClusterSpec.FromJson(cluster.SpecJson);
        var objects = ManifestRenderer.Render(spec);
        var yaml = ManifestRenderer.ToYaml(objects);

        var target = targets.FirstOrDefault(t => t.Name == job.Target);
        if (target is null)
        {
            Finish(db, job, JobState.Failed, $"Unknown provisioning target '{job.Target}': it is not configured on this server.");
            await db.SaveChangesAsync(stoppingToken);
            notifier.Notify(jobId);
            return;
        }

        PlannedStep[] plan = [new(CheckRulesStep, (ctx, ct) => CheckRulesAsync(ctx.Spec, ct)), .. target.Plan(spec)];
        if (job.Steps.Count == 0)
            job.Steps.AddRange(plan.Select((p, i) => new JobStep { JobId = job.Id, Index = i, Name = p.Name, State = StepState.Pending }));
        job.ManifestYaml = yaml;
        await SaveAndNotify(db, job, stoppingToken);

        var log = new List<string>();
        var context = new StepContext(cluster.Id, spec, objects, yaml, log.Add);
        foreach (var step in job.Steps.OrderBy(s => s.Index))
        {
            if (step.State == StepState.Succeeded) continue; // done before a restart, a takeover or a retry
            if (lease.Lost) return; // another replica owns the job now
            if (cts.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                Finish(db, job, JobState.Cancelled, $"Cancelled before '{step.Name}'");
                await SaveAndNotify(db, job, CancellationToken.None);
                return;
            }
            step.State = StepState.Running;
            step.StartedAt = Now;
            step.Message = null;
            Log(db, job, $"Step {step.Index + 1} of {job.Steps.Count}: {step.Name}");
            await SaveAndNotify(db, job, stoppingToken);
            try
            {
                step.Message = await plan[step.Index].Run(context, cts.Token);
                step.State = StepState.Succeeded;
            }
            catch (OperationCanceledException) when (lease.Lost)
            {
                logger.LogWarning("Lost the lease of job {JobId} during step {Step}: another replica continues it", job.Id, step.Index + 1);
                return;
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                step.State = StepState.Failed;
                step.Message = "Cancelled";
                step.FinishedAt = Now;
                FlushLog(db, job, log);
                Finish(db, job, JobState.Cancelled, $"Cancelled during '{step.Name}'");
                await SaveAndNotify(db, job, CancellationToken.None);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                step.State = StepState.Failed;
                step.Message = e.Message;
                step.FinishedAt = Now;
                FlushLog(db, job, log);
                Finish(db, job, JobState.Failed, $"{step.Name}: {e.Message}");
                await SaveAndNotify(db, job, stoppingToken);
                logger.LogWarning("Provisioning job {JobId} failed at step {Step}", job.Id, step.Index + 1);
                return;
            }
            step.FinishedAt = Now;
            FlushLog(db, job, log);
            Log(db, job, $"✓ {step.Name}: {step.Message}");
            await SaveAndNotify(db, job, stoppingToken);
        }
        Finish(db, job, JobState.Succeeded, null);
        await SaveAndNotify(db, job, stoppingToken);
        logger.LogInformation("Provisioning job {JobId} for cluster {ClusterId} succeeded on {Target}", job.Id, job.ClusterId, job.Target);
    }

    private async Task<string> CheckRulesAsync(ClusterSpec spec, CancellationToken ct)
    {
        var check = await rules.CheckAsync(spec.ToDraft(), ct);
        if (!check.IsValid)
            throw new InvalidOperationException("The spec breaks the rules: " + string.Join(" ", check.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
        return check.Warnings.Any() ? $"valid, with {check.Warnings.Count()} warning(s)" : "valid";
    }

    private void Finish(WizardDbContext db, ProvisioningJob job, JobState state, string? error)
    {
        job.State = state;
        job.Error = error;
        job.FinishedAt = Now;
        job.LeaseExpiresAt = null;
        Log(db, job, state switch
        {
            JobState.Succeeded => "Finished: Ready",
            JobState.Cancelled => $"Finished: Cancelled — {error}",
            _ => $"Finished: Failed — {error}",
        });
    }

    private void Log(WizardDbContext db, ProvisioningJob job, string message) =>
        db.JobLog.Add(new JobLogLine { JobId = job.Id, At = Now, Message = message });

    private void FlushLog(WizardDbContext db, ProvisioningJob job, List<string> lines)
    {
        foreach (var line in lines) Log(db, job, line);
        lines.Clear();
    }

    private async Task SaveAndNotify(WizardDbContext db, ProvisioningJob job, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        notifier.Notify(job.Id);
    }
}
