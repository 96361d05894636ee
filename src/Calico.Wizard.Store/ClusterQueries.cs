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

/// <summary>A cluster's newest job as an action sees it: its id and state, both null before the first job.</summary>
public sealed record NewestJob(Guid? Id, JobState? State);

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

    /// <summary>
    /// What an action on a cluster checks before it acts — its newest job's id and state (both null before the first
    /// job) — without loading the job's steps, log and the audit trail; null when there is no such cluster.
    /// </summary>
    public async Task<NewestJob?> NewestJobAsync(Guid clusterId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Clusters.AnyAsync(c => c.Id == clusterId, ct)) return null;
        var job = await db.Jobs.AsNoTracking().Where(j => j.ClusterId == clusterId).OrderByDescending(j => j.CreatedAt)
            .Select(j => new NewestJob(j.Id, j.State)).FirstOrDefaultAsync(ct);
        return job ?? new NewestJob(null, null);
    }

    /// <summary>The largest page the list asks for.</summary>
    public const int MaxPageSize = 100;

    /// <summary>
    /// One page of the clusters list, filtered, sorted and counted in the database. Each filter and sort is a seek on
    /// an index of its own (<see cref="WizardDbContext"/>; proven by ClusterListIndexTests, timed by ClusterListBenchmarks),
    /// so a page costs the same at 100 clusters as at 100,000 — except the total, which counts the filter's matches.
    /// </summary>
    public async Task<ClusterPage> PageAsync(ClusterFilter filter, ClusterOrder order, int skip, int take, CancellationToken ct = default)
    {
        skip = Math.Max(0, skip);
        take = Math.Clamp(take, 1, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var matching = Filtered(db.Clusters.AsNoTracking(), filter);
        var total = await matching.CountAsync(ct);
        var rows = await Sorted(matching, order).Skip(skip).Take(take)
            .Select(c => new ClusterRow(c.Id, c.Name, c.Provider, c.L2Network, c.ContainersCidr, c.ServicesCidr, c.Backend, c.State, c.CreatedAt))
            .ToListAsync(ct);
        return new ClusterPage(rows, total);
    }

    private static IQueryable<ClusterRecord> Filtered(IQueryable<ClusterRecord> clusters, ClusterFilter filter)
    {
        if (filter.NamePrefix is { } prefix)
        {
            // A range on the unique Name index (names are lowercase DNS labels; U+FFFF sorts after all of them in
            // SQLite's byte order and PostgreSQL's "C" collation), never a LIKE that scans.
            var end = prefix + "\uffff";
            clusters = clusters.Where(c => c.Name.CompareTo(prefix) >= 0 && c.Name.CompareTo(end) < 0);
        }
        if (filter.ProviderName is { } provider) clusters = clusters.Where(c => c.Provider == provider);
        if (filter.NetworkKey is { } network) clusters = clusters.Where(c => c.NetworkKey == network);
        if (filter.State is { } state) clusters = clusters.Where(c => c.State == state);
        return clusters;
    }

    /// <summary>
    /// The column, then CreatedAt in the same direction — the order of the (column, CreatedAt) index, read forwards or
    /// backwards — then Id, so a page boundary never splits ties differently from one page to the next.
    /// </summary>
    private static IQueryable<ClusterRecord> Sorted(IQueryable<ClusterRecord> clusters, ClusterOrder order)
    {
        var d = order.Descending;
        IOrderedQueryable<ClusterRecord> sorted = order.By switch
        {
            ClusterSort.Name => d ? clusters.OrderByDescending(c => c.Name) : clusters.OrderBy(c => c.Name),
            ClusterSort.Provider => d ? clusters.OrderByDescending(c => c.Provider) : clusters.OrderBy(c => c.Provider),
            ClusterSort.Network => d ? clusters.OrderByDescending(c => c.NetworkKey) : clusters.OrderBy(c => c.NetworkKey),
            ClusterSort.State => d ? clusters.OrderByDescending(c => c.State) : clusters.OrderBy(c => c.State),
            _ => d ? clusters.OrderByDescending(c => c.CreatedAt) : clusters.OrderBy(c => c.CreatedAt),
        };
        if (order.By == ClusterSort.Name) return sorted; // unique
        if (order.By != ClusterSort.Created) sorted = d ? sorted.ThenByDescending(c => c.CreatedAt) : sorted.ThenBy(c => c.CreatedAt);
        return d ? sorted.ThenByDescending(c => c.Id) : sorted.ThenBy(c => c.Id);
    }
}

/// <summary>What the clusters list shows: every filter optional; blank text means no filter.</summary>
/// <param name="Name">A prefix of the name, any case (names are lowercase).</param>
/// <param name="Provider">A provider, exactly as the matrix names it.</param>
/// <param name="Network">An L2 network, any case, spaces around it ignored (as clusters on one network are matched).</param>
/// <param name="State">The state of the cluster's newest job.</param>
public sealed record ClusterFilter(string? Name = null, string? Provider = null, string? Network = null, JobState? State = null)
{
    public static readonly ClusterFilter None = new();

    public string? NamePrefix => string.IsNullOrWhiteSpace(Name) ? null : Name.Trim().ToLowerInvariant();
    public string? ProviderName => string.IsNullOrWhiteSpace(Provider) ? null : Provider.Trim();
    public string? NetworkKey => string.IsNullOrWhiteSpace(Network) ? null : StoreClusterRegistry.NetworkKey(Network);

    public bool IsEmpty => NamePrefix is null && ProviderName is null && NetworkKey is null && State is null;
}

public enum ClusterSort { Created, Name, Provider, Network, State }

/// <summary>The list's order; newest first unless asked otherwise.</summary>
public sealed record ClusterOrder(ClusterSort By = ClusterSort.Created, bool Descending = true)
{
    public static readonly ClusterOrder Newest = new();
}

/// <summary>One page of the list and how many clusters match the filter in all.</summary>
public sealed record ClusterPage(IReadOnlyList<ClusterRow> Rows, int Total);
