using Calico.Wizard.Core.Rules;
using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Provisioning.Store;
using Calico.Wizard.Provisioning.Targets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Calico.Wizard.Provisioning;

public static class ServiceCollectionExtensions
{
    /// <summary>The store (SQLite by default), the registry the rules ask, submission, the job worker and its targets.</summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services, string sqliteConnectionString)
    {
        services.AddDbContextFactory<WizardDbContext>(o => o.UseSqlite(sqliteConnectionString));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IClusterRegistry, StoreClusterRegistry>();
        services.AddSingleton<DraftStore>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobNotifier>();
        services.AddSingleton<ClusterSubmission>();
        services.AddSingleton<IProvisioningTarget, DryRunTarget>();
        services.AddSingleton<ProvisioningWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ProvisioningWorker>());
        return services;
    }
}
