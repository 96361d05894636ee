using Calico.Wizard.Store;

namespace Calico.Wizard.Features.Api;

// What the API answers, as named types so the OpenAPI document describes every body (anonymous types have no schema).
// The store's views are mapped here; the API never exposes the store's own records.

/// <summary>A cluster, its newest job and its audit trail.</summary>
/// <param name="Id">The cluster's id (the one <c>POST /api/clusters</c> answered).</param>
/// <param name="DraftId">The draft it was made from.</param>
/// <param name="Job">The newest provisioning job; null before the first one is queued.</param>
/// <param name="Audit">Who created, submitted, retried, cancelled or re-ran it, oldest first.</param>
public sealed record ClusterResource(Guid Id, string Name, Guid DraftId, DateTime CreatedAt, JobResource? Job, IReadOnlyList<AuditResource> Audit)
{
    public static ClusterResource Of(ClusterDetails view) => new(view.Id, view.Name, view.DraftId, view.CreatedAt,
        view.Job is not { } job ? null : new JobResource(job.Id, job.State, job.Target, job.Error, job.LeaseOwner,
            job.Steps.Select(s => new StepResource(s.Name, s.State, s.Message)).ToArray(),
            job.Log.Select(l => new LogResource(l.At, l.Message)).ToArray()),
        view.Audit.Select(a => new AuditResource(a.At, a.Actor, a.Action, a.Detail)).ToArray());
}

/// <summary>A provisioning job: Pending (waiting for a worker), Running, Succeeded, Failed or Cancelled.</summary>
/// <param name="Target">The target it deploys to (<c>dry-run</c> stores the manifests only).</param>
/// <param name="Error">Why it failed or was cancelled, in the words the cluster page shows.</param>
/// <param name="LeaseOwner">The replica running it, while it runs.</param>
public sealed record JobResource(Guid Id, JobState State, string Target, string? Error, string? LeaseOwner,
    IReadOnlyList<StepResource> Steps, IReadOnlyList<LogResource> Log);

public sealed record StepResource(string Name, StepState State, string? Message);

public sealed record LogResource(DateTime At, string Message);

public sealed record AuditResource(DateTime At, string Actor, AuditAction Action, string? Detail);

/// <summary>One page of clusters, newest first unless <c>sort</c> says otherwise.</summary>
/// <param name="Total">How many clusters match the filters in all.</param>
/// <param name="Next">The query of the next page, or null on the last one.</param>
public sealed record ClusterListResource(IReadOnlyList<ClusterRow> Items, int Total, int Skip, int Take, string? Next);

/// <summary>What a retry, cancel or run-again did: the job it acted on (a run again starts a new one) and its state now.</summary>
public sealed record JobActionResource(Guid ClusterId, Guid JobId, JobState State);

/// <summary>
/// The cluster a valid draft made, what each <c>suggest</c> range became, and the rules' warnings (a key that does not
/// apply is named there as ignored).
/// </summary>
public sealed record SubmittedResource(Guid ClusterId, IReadOnlyList<SuggestedRangeResource> Suggested, IReadOnlyList<WarningResource> Warnings);

/// <param name="Field">The draft's key the warning is about (dataplane, blockSizeV6, …).</param>
public sealed record WarningResource(string Field, string Message);

/// <param name="Field">The draft's key (containersCidr, servicesCidr, containersCidrV6, servicesCidrV6).</param>
/// <param name="Cidr">The free range chosen.</param>
/// <param name="Reason">How it was sized and where it is free.</param>
public sealed record SuggestedRangeResource(string Field, string? Cidr, string Reason);

/// <summary>A free, aligned range and why it was chosen.</summary>
public sealed record FreeRangeResource(string Cidr, string Reason);

/// <summary>A network's address map: a bar per address space that holds ranges, and the ranges themselves.</summary>
/// <param name="TotalRows">How many ranges there are; <c>rows</c> holds the first 60, clashes first.</param>
public sealed record AddressMapResource(string Provider, string Network, IReadOnlyList<string> Spaces, IReadOnlyList<AddressBarResource> Bars,
    IReadOnlyList<AddressRowResource> Rows, int TotalRows);

/// <param name="Segments">Where the ranges sit, x and width on a 0–1000 scale of the bar's domain.</param>
public sealed record AddressBarResource(string Space, string Domain, string First, string Last, int Ranges, IReadOnlyList<AddressSegmentResource> Segments);

/// <param name="Kind">Cluster, Node, Mine or Clash.</param>
public sealed record AddressSegmentResource(double X, double Width, string Kind, string Label, int Count);

public sealed record AddressRowResource(string Cidr, string Holder, string What, string Kind);
