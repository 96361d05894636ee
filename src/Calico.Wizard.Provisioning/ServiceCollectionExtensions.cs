using Calico.Wizard.Core.Rules;
using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Provisioning.Store;
using Calico.Wizard.Provisioning.Targets;
using Calico.Wizard.Provisioning.Targets.Kubernetes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Calico.Wizard.Provisioning;

public enum StoreProvider { Sqlite, PostgreSQL }

public sealed class StoreOptions
{
    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;
    public string ConnectionString { get; set; } = "";
}

/// <summary>Everything asks for the store as <see cref="WizardDbContext"/>; on PostgreSQL it is the PostgreSQL context.</summary>
internal sealed class PostgresFactory(IDbContextFactory<PostgresWizardDbContext> inner) : IDbContextFactory<WizardDbContext>
{
    public WizardDbContext CreateDbContext() => inner.CreateDbContext();
    public async Task<WizardDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) => await inner.CreateDbContextAsync(cancellationToken);
}

public static class ServiceCollectionExtensions
{
    /// <summary>The store on SQLite (the embedded default), and everything else <see cref="AddProvisioning(IServiceCollection, StoreOptions)"/> adds.</summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services, string sqliteConnectionString) =>
        services.AddProvisioning(new StoreOptions { Provider = StoreProvider.Sqlite, ConnectionString = sqliteConnectionString });

    /// <summary>The store (SQLite or PostgreSQL, one model), the registry the rules ask, submission, the job worker and its targets.</summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services, StoreOptions store)
    {
        if (store.Provider == StoreProvider.PostgreSQL)
        {
            services.AddDbContextFactory<PostgresWizardDbContext>(o => o.UseNpgsql(store.ConnectionString));
            services.AddSingleton<IDbContextFactory<WizardDbContext>>(sp => new PostgresFactory(sp.GetRequiredService<IDbContextFactory<PostgresWizardDbContext>>()));
        }
        else
        {
            services.AddDbContextFactory<WizardDbContext>(o => o.UseSqlite(store.ConnectionString));
        }
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IClusterRegistry, StoreClusterRegistry>();
        services.AddSingleton<DraftStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobNotifier>();
        services.AddSingleton<ClusterSubmission>();
        services.AddSingleton<AppliedObjectStore>();
        services.AddSingleton<IProvisioningTarget, DryRunTarget>();
        services.AddSingleton<ProvisioningWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ProvisioningWorker>());
        return services;
    }

    /// <summary>One Kubernetes target per entry of "Provisioning:Targets"; kubeconfig paths stay on the server.</summary>
    public static IServiceCollection AddKubernetesTargets(this IServiceCollection services, IConfiguration provisioning)
    {
        services.AddOptions<KubernetesApplyOptions>().Bind(provisioning);
        foreach (var target in provisioning.GetSection("Targets").Get<List<KubernetesTargetOptions>>() ?? [])
        {
            if (string.IsNullOrWhiteSpace(target.Name) || target.Name == DryRunTarget.TargetName)
                throw new InvalidOperationException($"Provisioning:Targets: every target needs a unique name other than '{DryRunTarget.TargetName}'.");
            services.AddSingleton<IProvisioningTarget>(sp => new KubernetesTarget(target,
                sp.GetRequiredService<IOptions<KubernetesApplyOptions>>().Value, sp.GetRequiredService<AppliedObjectStore>()));
        }
        return services;
    }
}
