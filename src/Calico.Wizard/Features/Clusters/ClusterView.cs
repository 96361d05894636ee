using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Provisioning.Store;
using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Features.Clusters;

/// <summary>A cluster with its newest job, as the cluster pages show it.</summary>
public sealed record ClusterView(ClusterRecord Cluster, ClusterSpec Spec, ProvisioningJob? Job)
{
    public static async Task<ClusterView?> LoadAsync(IDbContextFactory<WizardDbContext> dbFactory, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cluster = await db.Clusters.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (cluster is null) return null;
        var job = await db.Jobs.AsNoTracking().Include(j => j.Steps).Include(j => j.Log)
            .Where(j => j.ClusterId == id).OrderByDescending(j => j.CreatedAt).FirstOrDefaultAsync(ct);
        return new ClusterView(cluster, ClusterSpec.FromJson(cluster.SpecJson), job);
    }

    public string FileName => $"{Cluster.Name}-network.yaml";

    /// <summary>How to use the stored manifests by hand, exactly as the provisioner would apply them.</summary>
    public string KubectlLine => $"kubectl apply --server-side --field-manager=calico-wizard -f {FileName}";
}
