using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Provisioning.Targets;
using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>
/// Runs a claimed job one step at a time and records each step, so a restart or a takeover resumes at the first
/// unfinished one, a failed job can be retried without re-entering anything, and a cancel stops it between or
/// during steps. The manifest it applies is the one stored at submit, never rendered again.
/// </summary>
public sealed class StepRunner(
    IDbContextFactory<WizardDbContext> dbFactory,
    JobNotifier notifier,
    ProvisioningTargets targets,
    ClusterRules rules,
    TimeProvider time,
    ILogger<StepRunner> logger)
{
    public const string CheckRulesStep = "Check every rule again on the server";

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task RunAsync(Guid jobId, CancellationTokenSource cts, JobLease lease, CancellationToken stoppingToken)
    {
        try
        {
            await RunStepsAsync(jobId, cts, lease, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested || lease.Lost)
        {
            throw; // the process is stopping (the lease is released for another replica), or another replica owns the job
        }
        catch (Exception e)
        {
            // Whatever the steps' own handling did not catch — a manifest that cannot be read, a target that cannot plan,
            // the store failing mid-step — ends the job here rather than leaving it Running to be claimed for ever.
            logger.LogError(e, "Provisioning job {JobId} stopped outside a step's handling", jobId);
            await FailAsync(jobId, lease.Owner, $"The job stopped: {Describe(e)}");
        }
    }

    /// <summary>What went wrong, in words an operator can act on (never a type name or a stack trace).</summary>
    public static string Describe(Exception e) => e switch
    {
        YamlDotNet.Core.YamlException y => $"its stored manifests cannot be read ({y.Message.TrimEnd('.')}). Submit the cluster again from its draft.",
        _ => string.IsNullOrWhiteSpace(e.Message) ? "an unexpected error; the server's log names it" : e.Message,
    };

    /// <summary>Marks the job Failed if this replica still holds it, on a store connection of its own.</summary>
    private async Task FailAsync(Guid jobId, string owner, string error)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await ClusterStates.InTransactionAsync(db, () => FailRunningAsync(db, jobId, owner, error, error, Now));
        }
        catch (Exception e)
        {
            // The store itself is failing: the lease runs out, another claim counts an attempt, and MaxAttempts ends it.
            logger.LogError(e, "Could not mark provisioning job {JobId} failed", jobId);
        }
        notifier.Notify(jobId);
    }

    /// <summary>
    /// Ends a job that <paramref name="owner"/> holds Running as Failed — its running step too, the log's last line and
    /// the cluster's copy of the state — in the caller's transaction. Both ways a job fails outside a step's own
    /// handling come here: a throw the runner did not expect, and a claim past <see cref="ProvisioningOptions.MaxAttempts"/>.
    /// </summary>
    /// <returns>False when the job is no longer this replica's to end.</returns>
    internal static async Task<bool> FailRunningAsync(WizardDbContext db, Guid jobId, string owner, string error, string stepMessage, DateTime now,
        CancellationToken ct = default)
    {
        error = Secrets.Scrub(error);
        stepMessage = Secrets.Scrub(stepMessage);
        if (await db.Jobs.Where(j => j.Id == jobId && j.State == JobState.Running && j.LeaseOwner == owner).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, JobState.Failed).SetProperty(j => j.Error, error).SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), ct) == 0)
            return false;
        await db.Set<JobStep>().Where(s => s.JobId == jobId && s.State == StepState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, StepState.Failed).SetProperty(x => x.Message, stepMessage)
                .SetProperty(x => x.FinishedAt, now), ct);
        db.JobLog.Add(new JobLogLine { JobId = jobId, At = now, Message = $"Finished: Failed — {error}" });
        await ClusterStates.CopyNewestJobStateAsync(db, jobId, ct);
        await db.SaveChangesAsync(ct);
        return true;
    }

    private async Task RunStepsAsync(Guid jobId, CancellationTokenSource cts, JobLease lease, CancellationToken stoppingToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
        var job = await db.Jobs.Include(j => j.Steps).SingleAsync(j => j.Id == jobId, stoppingToken);
        var cluster = await db.Clusters.AsNoTracking().SingleAsync(c => c.Id == job.ClusterId, stoppingToken);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["ClusterId"] = cluster.Id, ["Cluster"] = cluster.Name });
        var spec = ClusterSpec.FromJson(cluster.SpecJson);
        job.ManifestYaml ??= ManifestRenderer.ToYaml(spec); // a job stored before manifests were rendered at submit
        var objects = ManifestRenderer.Parse(job.ManifestYaml);

        var target = targets.Find(job.Target);
        if (target is null)
        {
            Finish(db, job, JobState.Failed, $"Unknown provisioning target '{job.Target}': it is not configured on this server.");
            await SaveFinishedAndNotify(db, job, stoppingToken);
            return;
        }

        PlannedStep[] plan = [new(CheckRulesStep, (ctx, ct) => CheckRulesAsync(ctx.Spec, ct)), .. target.Plan(spec, objects)];
        if (job.Steps.Count == 0)
            job.Steps.AddRange(plan.Select((p, i) => new JobStep { JobId = job.Id, Index = i, Name = p.Name, State = StepState.Pending }));
        await SaveAndNotify(db, job, stoppingToken);

        await using var log = new LiveJobLog(dbFactory, notifier, time, job.Id);
        var context = new StepContext(cluster.Id, spec, objects, job.ManifestYaml, log.Add);
        foreach (var step in job.Steps.OrderBy(s => s.Index))
        {
            if (step.State is StepState.Succeeded or StepState.Skipped) continue; // done before a restart, a takeover or a retry
            if (lease.Lost) return; // another replica owns the job now
            // A cancel asked on another replica is seen by this one's heartbeat; at a step boundary it is read at once,
            // so no step starts after a cancel was accepted.
            if (!cts.IsCancellationRequested && await db.Jobs.AsNoTracking().AnyAsync(j => j.Id == job.Id && j.CancelRequested, stoppingToken))
                await cts.CancelAsync();
            if (cts.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                Finish(db, job, JobState.Cancelled, $"Cancelled before '{step.Name}'");
                await SaveFinishedAndNotify(db, job, CancellationToken.None);
                return;
            }
            step.State = StepState.Running;
            step.StartedAt = Now;
            step.Message = null;
            Log(db, job, $"Step {step.Index + 1} of {job.Steps.Count}: {step.Name}");
            await SaveAndNotify(db, job, stoppingToken);
            try
            {
                var outcome = await plan[step.Index].Run(context, cts.Token);
                step.Message = outcome.Message;
                step.State = outcome.Skipped ? StepState.Skipped : StepState.Succeeded;
            }
            catch (OperationCanceledException) when (lease.Lost)
            {
                logger.LogWarning("Lost the lease of job {JobId} during step {Step}: another replica continues it", job.Id, step.Index + 1);
                return;
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                await EndStepAsync(step, StepState.Failed, "Cancelled", log);
                Finish(db, job, JobState.Cancelled, $"Cancelled during '{step.Name}'");
                await SaveFinishedAndNotify(db, job, CancellationToken.None);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await EndStepAsync(step, StepState.Failed, e.Message, log);
                Finish(db, job, JobState.Failed, $"{step.Name}: {e.Message}");
                await SaveFinishedAndNotify(db, job, stoppingToken);
                logger.LogWarning("Provisioning job {JobId} failed at step {Step}", job.Id, step.Index + 1);
                return;
            }
            await EndStepAsync(step, step.State, step.Message, log);
            job.Attempts = 0; // progress: a takeover from here on starts counting afresh
            Log(db, job, step.State == StepState.Skipped ? $"– {step.Name}: skipped, {step.Message}" : $"✓ {step.Name}: {step.Message}");
            await SaveAndNotify(db, job, stoppingToken);
        }
        Finish(db, job, JobState.Succeeded, null);
        await SaveFinishedAndNotify(db, job, stoppingToken);
        logger.LogInformation("Provisioning job {JobId} for cluster {ClusterId} succeeded on {Target}", job.Id, job.ClusterId, job.Target);
    }

    /// <summary>The provisioner's own guard: the same rules as the wizard, on the spec it is about to apply.</summary>
    private async Task<StepOutcome> CheckRulesAsync(ClusterSpec spec, CancellationToken ct)
    {
        var check = await rules.CheckAsync(spec.ToDraft(), ct);
        if (!check.IsValid)
            throw new InvalidOperationException(
                "The spec breaks the rules: " + string.Join(" ", check.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
        return check.Warnings.Any() ? $"valid, with {check.Warnings.Count()} warning(s)" : "valid";
    }

    /// <summary>Ends the step once what it reported is stored, so the log reads in the order things happened.</summary>
    private async Task EndStepAsync(JobStep step, StepState state, string? message, LiveJobLog log)
    {
        await log.FlushAsync();
        step.State = state;
        step.Message = Secrets.ScrubOrNull(message);
        step.FinishedAt = Now;
    }

    /// <summary>Ends the job (and its lease) in <paramref name="state"/>.</summary>
    private void Finish(WizardDbContext db, ProvisioningJob job, JobState state, string? error)
    {
        job.State = state;
        job.Error = Secrets.ScrubOrNull(error);
        job.FinishedAt = Now;
        job.LeaseExpiresAt = null;
        Log(db, job, state switch
        {
            JobState.Succeeded => "Finished: Succeeded",
            JobState.Cancelled => $"Finished: Cancelled — {error}",
            _ => $"Finished: Failed — {error}",
        });
    }

    private void Log(WizardDbContext db, ProvisioningJob job, string message) =>
        db.JobLog.Add(new JobLogLine { JobId = job.Id, At = Now, Message = Secrets.Scrub(message) });

    /// <summary>Saves the job's end together with its cluster's copy of the state (what the clusters list filters on).</summary>
    private async Task SaveFinishedAndNotify(WizardDbContext db, ProvisioningJob job, CancellationToken ct)
    {
        await ClusterStates.SaveChangesAsync(db, job.Id, ct);
        notifier.Notify(job.Id);
    }

    private async Task SaveAndNotify(WizardDbContext db, ProvisioningJob job, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        notifier.Notify(job.Id);
    }
}
