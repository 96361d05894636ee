using Calico.Wizard.Provisioning.Jobs;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Calico.Wizard.Features.Operations;

/// <summary>/healthz: the process answers. /readyz: the store is reachable (its check comes with the store) and the job worker is turning.</summary>
public static class Health
{
    public static void AddHealth(this IServiceCollection services) =>
        services.AddHealthChecks().AddCheck<WorkerCheck>("jobs-runner", tags: ["ready"]);

    public static void MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new() { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
    }

    private sealed class WorkerCheck(Replica replica, IOptions<ProvisioningOptions> options, TimeProvider time) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            var quiet = time.GetUtcNow().UtcDateTime - replica.LastAliveAt;
            var limit = options.Value.PollInterval + options.Value.LeaseDuration;
            return Task.FromResult(quiet <= limit
                ? HealthCheckResult.Healthy($"last seen {quiet.TotalSeconds:0.0} s ago")
                : HealthCheckResult.Unhealthy($"the job runner has not turned for {quiet.TotalSeconds:0} s"));
        }
    }
}
