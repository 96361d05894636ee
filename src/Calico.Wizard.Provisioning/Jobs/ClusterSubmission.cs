using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Provisioning.Jobs;

/// <param name="Conflicts">The fields in which this submission differs from the cluster its draft already made.</param>
/// <param name="Forbidden">Why this actor may not submit this draft (it is another operator's).</param>
/// <param name="Suggested">The ranges a spec's <c>suggest</c> was resolved to (or why nothing fit), by field.</param>
public sealed record SubmitResult(Guid? ClusterId, DraftCheck Check, IReadOnlyList<string>? Conflicts = null, string? Forbidden = null,
    IReadOnlyList<(string Field, Core.Addresses.Suggestion Suggestion)>? Suggested = null)
{
    public bool Accepted => ClusterId is not null;
}

/// <summary>
/// The hand-off: re-checks every rule on the server, then records the cluster and exactly one job. A draft
/// submitted twice (five quick clicks, a replayed request) returns the cluster it already made.
/// </summary>
public sealed class ClusterSubmission(
    ClusterRules rules,
    IDbContextFactory<WizardDbContext> dbFactory,
    JobQueue queue,
    TimeProvider time,
    Targets.ProvisioningTargets targets,
    RangePlanner planner)
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public Task<SubmitResult> SubmitAsync(ClusterDraft draft, CancellationToken ct = default) => SubmitAsync(draft, Actor.Anonymous, ct);

    public async Task<SubmitResult> SubmitAsync(ClusterDraft draft, string actor, CancellationToken ct = default)
    {
        await OneAtATime.WaitAsync(ct);
        try
        {
            if (await OwnerAsync(draft.Id, ct) is { } owner && !SavedDraft.Allows(owner, actor))
                return new SubmitResult(null, new DraftCheck([]), Forbidden: $"Draft {draft.Id} belongs to {owner}: only they can submit it. Leave the id out for a new cluster.");
            if (await ExistingClusterAsync(draft.Id, ct) is { } existing)
                return await SameAsAsync(existing, draft, ct);

            // "suggest" (a spec file's or an API draft's) becomes a free range here, under the lock: two submissions cannot get the same one.
            var suggested = await planner.ResolveAsync(draft, ct);
            var check = await rules.CheckAsync(draft, ct);
            var target = targets.Resolve(draft.Target);
            var failures = suggested.Where(s => !s.Suggestion.Found)
                .Select(s => new FluentValidation.Results.ValidationFailure(s.Field, s.Suggestion.Reason)).ToList();
            if (targets.Check(draft.Target) is { } unknown) failures.Add(new FluentValidation.Results.ValidationFailure(nameof(ClusterDraft.Target), unknown));
            if (failures.Count > 0)
                check = new DraftCheck([.. check.Failures.Where(f => !suggested.Any(s => !s.Suggestion.Found && s.Field == f.PropertyName)), .. failures]);
            if (!check.IsValid || check.Spec is not { } spec) return new SubmitResult(null, check, Suggested: suggested);

            var now = time.GetUtcNow().UtcDateTime;
            var cluster = new ClusterRecord
            {
                Id = Guid.NewGuid(),
                DraftId = draft.Id,
                Name = spec.Name,
                Provider = spec.Provider,
                L2Network = spec.L2Network,
                NetworkKey = StoreClusterRegistry.NetworkKey(spec.L2Network),
                ContainersCidr = spec.ContainersCidr.ToString(),
                ServicesCidr = spec.ServicesCidr.ToString(),
                ContainersFirst = AddressKey.First(spec.ContainersCidr),
                ContainersLast = AddressKey.Last(spec.ContainersCidr),
                ServicesFirst = AddressKey.First(spec.ServicesCidr),
                ServicesLast = AddressKey.Last(spec.ServicesCidr),
                ContainersCidrV6 = spec.ContainersCidrV6?.ToString(),
                ServicesCidrV6 = spec.ServicesCidrV6?.ToString(),
                ContainersV6First = Key(spec.ContainersCidrV6, AddressKey.First),
                ContainersV6Last = Key(spec.ContainersCidrV6, AddressKey.Last),
                ServicesV6First = Key(spec.ServicesCidrV6, AddressKey.First),
                ServicesV6Last = Key(spec.ServicesCidrV6, AddressKey.Last),
                Backend = spec.Backend.ToString(),
                SpecJson = spec.ToJson(),
                CreatedAt = now,
                State = JobState.Pending, // its one job's, saved with it
            };
            var job = new ProvisioningJob
            {
                Id = Guid.NewGuid(),
                ClusterId = cluster.Id,
                Target = target,
                State = JobState.Pending,
                CreatedAt = now,
                ManifestYaml = ManifestRenderer.ToYaml(spec), // rendered once: what the job applies and the page shows
            };
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                db.Clusters.Add(cluster);
                db.Jobs.Add(job);
                db.JobLog.Add(new JobLogLine { JobId = job.Id, At = now, Message = $"Submitted {spec.Name} for target {job.Target}" });
                db.Audit.Add(new AuditEntry { At = now, Actor = actor, Action = AuditAction.Submitted, DraftId = draft.Id, ClusterId = cluster.Id, JobId = job.Id, Detail = $"target {job.Target}" });
                var draftRow = await db.Drafts.SingleOrDefaultAsync(d => d.Id == draft.Id, ct);
                if (draftRow is null)
                    db.Drafts.Add(new DraftRecord { Id = draft.Id, Json = DraftStore.Serialize(draft), Step = (int)WizardStep.Review, UpdatedAt = now, ClusterId = cluster.Id, Owner = actor });
                else draftRow.ClusterId = cluster.Id;
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // Another process won the unique DraftId index: its cluster is this draft's cluster.
                    if (await ExistingClusterAsync(draft.Id, ct) is { } raced) return await SameAsAsync(raced, draft, ct);
                    throw;
                }
            }
            queue.Enqueue(job.Id);
            return new SubmitResult(cluster.Id, check, Suggested: suggested);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    /// <summary>
    /// A draft id makes one cluster: the same submission again (five clicks, a replayed request) answers with it; a
    /// different one under the same id is refused, naming what differs, instead of silently answering with the old cluster.
    /// </summary>
    /// <summary>An optional range's overlap key (a dual-stack cluster's IPv6 ranges; null otherwise).</summary>
    private static string? Key(System.Net.IPNetwork? range, Func<System.Net.IPNetwork, string> key) => range is { } r ? key(r) : null;

    private async Task<SubmitResult> SameAsAsync(Guid clusterId, ClusterDraft draft, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var specJson = await db.Clusters.Where(c => c.Id == clusterId).Select(c => c.SpecJson).SingleAsync(ct);
        var differences = DraftFields.Differences(ClusterSpec.FromJson(specJson).ToDraft(), draft);
        return differences.Count == 0 ? new SubmitResult(clusterId, new DraftCheck([])) : new SubmitResult(null, new DraftCheck([]), differences);
    }

    private async Task<string?> OwnerAsync(Guid draftId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Drafts.Where(d => d.Id == draftId).Select(d => d.Owner).SingleOrDefaultAsync(ct);
    }

    private async Task<Guid?> ExistingClusterAsync(Guid draftId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Clusters.Where(c => c.DraftId == draftId).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct);
    }
}
