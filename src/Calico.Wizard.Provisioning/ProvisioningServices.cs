using Microsoft.Extensions.DependencyInjection.Extensions;
using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Provisioning.Targets;
using Calico.Wizard.Provisioning.Targets.Kubernetes;
using Calico.Wizard.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Calico.Wizard.Core.Addresses;

namespace Calico.Wizard.Provisioning;

public static class ProvisioningServices
{
    /// <summary>The store on SQLite and everything <see cref="AddProvisioning(IServiceCollection)"/> adds.</summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services, string sqliteConnectionString) =>
        services.AddStore(sqliteConnectionString).AddProvisioning();

    /// <summary>Submission, the job commands, the worker and the dry-run target, on the store already added.</summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services)
    {
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobNotifier>();
        services.AddSingleton<Replica>();
        services.AddSingleton<ProvisioningTargets>();
        services.AddSingleton<ClusterSubmission>();
        // a spec's "suggest" is resolved at submit; the host's AddWizard registers these first with its configuration
        services.TryAddSingleton(new Core.Addresses.PlanningOptions());
        services.TryAddSingleton<Core.Addresses.RangeSuggester>();
        services.AddSingleton<JobCommands>();
        services.AddSingleton<StepRunner>();
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
