using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>
/// The job loop: jobs submitted here start at once; others — other replicas', expired leases, a restart's — are
/// found by polling the store. Each is claimed with a <see cref="JobLease"/> and run by the <see cref="StepRunner"/>.
/// </summary>
public sealed class ProvisioningWorker(
    IDbContextFactory<WizardDbContext> dbFactory,
    JobQueue queue,
    Replica replica,
    StepRunner runner,
    TimeProvider time,
    IOptions<ProvisioningOptions> options,
    ILogger<ProvisioningWorker> logger) : BackgroundService
{
    private readonly ProvisioningOptions settings = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Job runner {Owner} is process {Process} on {Host}", replica.Owner, Environment.ProcessId, Environment.MachineName);
        while (!stoppingToken.IsCancellationRequested)
        {
            replica.Alive();
            try
            {
                IReadOnlyList<Guid> candidates = await queue.NextAsync(settings.PollInterval, stoppingToken) is { } queued
                    ? [queued]
                    : await ClaimableAsync(stoppingToken);
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
                await Task.Delay(settings.PollInterval, time, stoppingToken);
            }
        }
    }

    private async Task<IReadOnlyList<Guid>> ClaimableAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Jobs
            .Where(j => j.State == JobState.Pending || (j.State == JobState.Running && (j.LeaseExpiresAt == null || j.LeaseExpiresAt < now)))
            .OrderBy(j => j.CreatedAt).Select(j => j.Id).Take(20).ToListAsync(ct);
    }

    private async Task RunAsync(Guid jobId, CancellationToken stoppingToken)
    {
        // Cancellable before anyone can see the job Running, then claimed atomically: a job cancelled while
        // Pending is never started, and one claimed is never also marked cancelled-before-start.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        if (!replica.TryStart(jobId, cts)) return; // already running here
        try
        {
            await using var lease = await JobLease.ClaimAsync(dbFactory, replica, settings, time, logger, jobId, cts, stoppingToken);
            if (lease is null) return;
            using (logger.BeginScope(new Dictionary<string, object> { ["JobId"] = jobId, ["Owner"] = replica.Owner }))
            {
                try
                {
                    await runner.RunAsync(jobId, cts, lease, stoppingToken);
                }
                finally
                {
                    if (stoppingToken.IsCancellationRequested) await lease.ReleaseAsync(); // let another replica take it at once
                }
            }
        }
        finally
        {
            replica.Stopped(jobId);
        }
    }
}
