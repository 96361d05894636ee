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
