using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Provisioning.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Calico.Wizard.Features.Operations;

/// <summary>/healthz: the process answers. /readyz: the store is reachable and the job worker is turning.</summary>
public static class Health
{
    public static void AddHealth(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<StoreCheck>("store", tags: ["ready"])
            .AddCheck<WorkerCheck>("jobs-runner", tags: ["ready"]);

    public static void MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new() { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
    }

    private sealed class StoreCheck(IDbContextFactory<WizardDbContext> dbFactory) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            return await db.Database.CanConnectAsync(ct) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("the store is not reachable");
        }
    }

    private sealed class WorkerCheck(ProvisioningWorker worker, IOptions<ProvisioningOptions> options, TimeProvider time) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            var quiet = time.GetUtcNow().UtcDateTime - worker.LastAliveAt;
            var limit = options.Value.PollInterval + options.Value.LeaseDuration;
            return Task.FromResult(quiet <= limit
                ? HealthCheckResult.Healthy($"last seen {quiet.TotalSeconds:0.0} s ago")
                : HealthCheckResult.Unhealthy($"the job runner has not turned for {quiet.TotalSeconds:0} s"));
        }
    }
}
