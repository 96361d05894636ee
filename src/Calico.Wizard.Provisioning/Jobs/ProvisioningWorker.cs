using System.Collections.Concurrent;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Provisioning.Store;
using Calico.Wizard.Provisioning.Targets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>
/// Runs jobs one step at a time and records each step, so a restart resumes unfinished jobs where they
/// stopped, a failed job can be retried without re-entering anything, and a running one can be cancelled.
/// </summary>
public sealed class ProvisioningWorker(
    IDbContextFactory<WizardDbContext> dbFactory,
    JobQueue queue,
    JobNotifier notifier,
    IEnumerable<IProvisioningTarget> targets,
    ClusterRules rules,
    TimeProvider time,
    ILogger<ProvisioningWorker> logger) : BackgroundService
{
    public const string CheckRulesStep = "Check every rule again on the server";
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> running = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
        {
            var unfinished = await db.Jobs.Where(j => j.State == JobState.Pending || j.State == JobState.Running)
                .OrderBy(j => j.CreatedAt).Select(j => j.Id).ToListAsync(stoppingToken);
            foreach (var id in unfinished) queue.Enqueue(id);
            if (unfinished.Count > 0) logger.LogInformation("Resuming {Count} unfinished provisioning job(s)", unfinished.Count);
        }
        await foreach (var jobId in queue.ReadAllAsync(stoppingToken))
        {
            try { await RunAsync(jobId, stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { logger.LogError(e, "Provisioning job {JobId} stopped unexpectedly", jobId); }
        }
    }

    /// <summary>Asks a running job to stop; a pending one is cancelled at once.</summary>
    public async Task<bool> CancelAsync(Guid jobId, CancellationToken ct = default)
    {
        if (running.TryGetValue(jobId, out var cts)) { await cts.CancelAsync(); return true; }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Conditional, so a worker claiming the job at the same moment and this cancel cannot both win.
        var now = Now;
        var cancelled = await db.Jobs.Where(j => j.Id == jobId && j.State == JobState.Pending).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.State, JobState.Cancelled).SetProperty(j => j.Error, "Cancelled before it started").SetProperty(j => j.FinishedAt, now), ct);
        if (cancelled == 0) return running.TryGetValue(jobId, out cts) && await CancelRunningAsync(cts);
        db.JobLog.Add(new JobLogLine { JobId = jobId, At = now, Message = "Finished: Cancelled — Cancelled before it started" });
        await db.SaveChangesAsync(ct);
        notifier.Notify(jobId);
        return true;
    }

    private static async Task<bool> CancelRunningAsync(CancellationTokenSource cts)
    {
        await cts.CancelAsync();
        return true;
    }

    /// <summary>Runs a failed or cancelled job again from its first unfinished step, with the same spec.</summary>
    public async Task<bool> RetryAsync(Guid jobId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.Include(j => j.Steps).SingleOrDefaultAsync(j => j.Id == jobId, ct);
        if (job is not { State: JobState.Failed or JobState.Cancelled }) return false;
        job.State = JobState.Pending;
        job.Error = null;
        job.FinishedAt = null;
        foreach (var step in job.Steps.Where(s => s.State != StepState.Succeeded)) step.State = StepState.Pending;
        db.JobLog.Add(new JobLogLine { JobId = job.Id, At = Now, Message = "Retry requested" });
        await db.SaveChangesAsync(ct);
        queue.Enqueue(jobId);
        notifier.Notify(jobId);
        return true;
    }

    /// <summary>Runs the cluster's spec again as a new job on the same target: an unchanged spec changes nothing.</summary>
    public async Task<Guid?> RunAgainAsync(Guid clusterId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var last = await db.Jobs.Where(j => j.ClusterId == clusterId).OrderByDescending(j => j.CreatedAt).FirstOrDefaultAsync(ct);
        if (last is null || last.State is JobState.Pending or JobState.Running) return null;
        var job = new ProvisioningJob { Id = Guid.NewGuid(), ClusterId = clusterId, Target = last.Target, State = JobState.Pending, CreatedAt = Now, ManifestYaml = last.ManifestYaml };
        db.Jobs.Add(job);
        db.JobLog.Add(new JobLogLine { JobId = job.Id, At = Now, Message = $"Run again on target {job.Target}" });
        await db.SaveChangesAsync(ct);
        queue.Enqueue(job.Id);
        notifier.Notify(last.Id);
        return job.Id;
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private async Task RunAsync(Guid jobId, CancellationToken stoppingToken)
    {
        // Cancellable before anyone can see the job Running, then claimed atomically: a job cancelled while
        // Pending is never started, and one claimed is never also marked cancelled-before-start.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        running[jobId] = cts;
        try
        {
            await RunClaimedAsync(jobId, cts, stoppingToken);
        }
        finally
        {
            running.TryRemove(jobId, out _);
        }
    }

    private async Task RunClaimedAsync(Guid jobId, CancellationTokenSource cts, CancellationToken stoppingToken)
    {
        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
        var claimed = await db.Jobs.Where(j => j.Id == jobId && (j.State == JobState.Pending || j.State == JobState.Running))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Running).SetProperty(j => j.StartedAt, j => j.StartedAt ?? now), stoppingToken);
        if (claimed == 0) return;
        var job = await db.Jobs.Include(j => j.Steps).SingleAsync(j => j.Id == jobId, stoppingToken);
        var cluster = await db.Clusters.AsNoTracking().SingleAsync(c => c.Id == job.ClusterId, stoppingToken);
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
            if (step.State == StepState.Succeeded) continue; // done before a restart or a retry
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
