using Calico.Wizard.Core.Drafts;
using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Store;

/// <summary>A cluster with its newest job and its audit trail, as the cluster page and the API show it.</summary>
public sealed record ClusterDetails(Guid Id, Guid DraftId, string Name, DateTime CreatedAt, ClusterSpec Spec, JobDetails? Job, IReadOnlyList<AuditView> Audit)
{
    public string FileName => $"{Name}-network.yaml";

    /// <summary>How to use the stored manifests by hand, exactly as the provisioner would apply them.</summary>
    public string KubectlLine => $"kubectl apply --server-side --field-manager=calico-wizard -f {FileName}";
}

public sealed record JobDetails(Guid Id, JobState State, string Target, string? Error, string? ManifestYaml, string? LeaseOwner,
    IReadOnlyList<StepView> Steps, IReadOnlyList<LogView> Log)
{
    public bool IsFinished => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;
    public int StepsDone => Steps.Count(s => s.State is StepState.Succeeded or StepState.Skipped);
}

public sealed record StepView(int Index, string Name, StepState State, string? Message);

public sealed record LogView(DateTime At, string Message);

public sealed record AuditView(DateTime At, string Actor, AuditAction Action, string? Detail);

/// <summary>One row of the clusters list: the cluster and its newest job's state (null before it has one).</summary>
public sealed record ClusterRow(Guid Id, string Name, string Provider, string L2Network, string ContainersCidr, string ServicesCidr, string Backend,
    JobState? State, DateTime CreatedAt);

/// <summary>Read-only views of clusters and their jobs, for pages and the API (which never see the store's types).</summary>
public sealed class ClusterQueries(IDbContextFactory<WizardDbContext> dbFactory)
{
    public async Task<ClusterDetails?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cluster = await db.Clusters.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (cluster is null) return null;
        var job = await db.Jobs.AsNoTracking().Include(j => j.Steps).Include(j => j.Log)
            .Where(j => j.ClusterId == id).OrderByDescending(j => j.CreatedAt).FirstOrDefaultAsync(ct);
        var audit = await db.Audit.AsNoTracking().Where(a => a.ClusterId == id || a.DraftId == cluster.DraftId).OrderBy(a => a.Id)
            .Select(a => new AuditView(a.At, a.Actor, a.Action, a.Detail)).ToListAsync(ct);
        return new ClusterDetails(cluster.Id, cluster.DraftId, cluster.Name, cluster.CreatedAt, ClusterSpec.FromJson(cluster.SpecJson),
            job is null ? null : new JobDetails(job.Id, job.State, job.Target, job.Error, job.ManifestYaml, job.LeaseOwner,
                job.Steps.OrderBy(s => s.Index).Select(s => new StepView(s.Index, s.Name, s.State, s.Message)).ToArray(),
                job.Log.OrderBy(l => l.Id).Select(l => new LogView(l.At, l.Message)).ToArray()),
            audit);
    }

    /// <summary>The newest clusters first, each with its newest job's state.</summary>
    public async Task<IReadOnlyList<ClusterRow>> NewestAsync(int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var clusters = await db.Clusters.AsNoTracking().OrderByDescending(c => c.CreatedAt).Take(take).ToListAsync(ct);
        var ids = clusters.Select(c => c.Id).ToList();
        var states = (await db.Jobs.AsNoTracking().Where(j => ids.Contains(j.ClusterId)).Select(j => new { j.ClusterId, j.State, j.CreatedAt }).ToListAsync(ct))
            .GroupBy(j => j.ClusterId).ToDictionary(g => g.Key, g => g.OrderByDescending(j => j.CreatedAt).First().State);
        return clusters.Select(c => new ClusterRow(c.Id, c.Name, c.Provider, c.L2Network, c.ContainersCidr, c.ServicesCidr, c.Backend,
            states.TryGetValue(c.Id, out var s) ? s : null, c.CreatedAt)).ToArray();
    }
}
