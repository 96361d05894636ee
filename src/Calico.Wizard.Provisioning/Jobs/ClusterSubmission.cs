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
/// <param name="Busy">Why the store kept refusing the cluster although every rule passed (other submissions kept winning its ranges or name).</param>
public sealed record SubmitResult(Guid? ClusterId, DraftCheck Check, IReadOnlyList<string>? Conflicts = null, string? Forbidden = null,
    IReadOnlyList<(string Field, Core.Addresses.Suggestion Suggestion)>? Suggested = null, string? Busy = null)
{
    public bool Accepted => ClusterId is not null;
}

/// <summary>
/// The hand-off: re-checks every rule on the server, then records the cluster, its ranges and exactly one job in
/// one transaction. A draft submitted twice (five quick clicks, a replayed request) returns the cluster it already
/// made. No lock is held while the rules run: the store itself refuses a second cluster with the same name, draft
/// or an overlapping range on the network (<see cref="StoreConflicts"/>), across every replica. A submission that
/// loses such a race is judged again on what the winner left: explicit ranges are then refused by the overlap rule,
/// naming the winner; <c>suggest</c> takes the next free range.
/// </summary>
public sealed class ClusterSubmission(
    ClusterRules rules,
    IDbContextFactory<WizardDbContext> dbFactory,
    JobQueue queue,
    TimeProvider time,
    Targets.ProvisioningTargets targets,
    RangeSuggester planner)
{
    /// <summary>
    /// How many times one submission is judged again after losing a race for its ranges or name. Each lost race
    /// means another submission was stored, so 20 concurrent suggests on one network need at most 20 rounds.
    /// </summary>
    public const int MaxAttempts = 32;

    public Task<SubmitResult> SubmitAsync(ClusterDraft draft, CancellationToken ct = default) => SubmitAsync(draft, Actor.Anonymous, ct);

    public async Task<SubmitResult> SubmitAsync(ClusterDraft draft, string actor, CancellationToken ct = default)
    {
        if (await OwnerAsync(draft.Id, ct) is { } owner && !SavedDraft.Allows(owner, actor))
            return new SubmitResult(null, new DraftCheck([]),
                Forbidden: $"Draft {draft.Id} belongs to {owner}: only they can submit it. Leave the id out for a new cluster.");
        if (await ExistingClusterAsync(draft.Id, ct) is { } existing)
            return await SameAsAsync(existing, draft, ct);

        StoreConflict lost = StoreConflict.None;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            // "suggest" (a spec file's or an API draft's) becomes a free range here, afresh on every attempt.
            var candidate = draft.Clone();
            var suggested = await planner.ResolveAsync(candidate, ct);
            var check = await rules.CheckAsync(candidate, ct);
            var target = targets.Resolve(candidate.Target);
            var failures = suggested.Where(s => !s.Suggestion.Found)
                .Select(s => new FluentValidation.Results.ValidationFailure(s.Field, s.Suggestion.Reason)).ToList();
            if (targets.Check(candidate.Target) is { } unknown)
                failures.Add(new FluentValidation.Results.ValidationFailure(nameof(ClusterDraft.Target), unknown));
            if (failures.Count > 0)
                check = new DraftCheck([.. check.Failures.Where(f => !suggested.Any(s => !s.Suggestion.Found && s.Field == f.PropertyName)), .. failures]);
            if (!check.IsValid && attempt < MaxAttempts && check.Errors.Any(e => e.ErrorCode == ClusterDraftValidator.RegistryOverlapCode
                    && suggested.Any(s => s.Field == e.PropertyName && s.Suggestion.Found)))
            {
                // A range suggested a moment ago was taken meanwhile by another submission: suggest again.
                lost = StoreConflict.RangeTaken;
                await BackOffAsync(attempt, ct);
                continue;
            }
            if (!check.IsValid || check.Spec is not { } spec) return new SubmitResult(null, check, Suggested: suggested);
            // The manifests the job will apply, read back exactly as its worker will read them: a job never holds
            // manifests its worker cannot read.
            var (manifest, unreadable) = check.Manifest; // rendered and read once per draft content (ClusterRules keeps the check)
            if (manifest is null)
                return new SubmitResult(null,
                    new DraftCheck([new FluentValidation.Results.ValidationFailure(nameof(ClusterDraft.NetworkPolicies), unreadable)]),
                    Suggested: suggested);

            try
            {
                var clusterId = await RecordAsync(candidate, spec, manifest, target, actor, ct);
                return new SubmitResult(clusterId, check, Suggested: suggested);
            }
            catch (DbUpdateException e) when (StoreConflicts.Of(e) is var conflict and not StoreConflict.None)
            {
                // Another submission (here or on another replica) was stored first: maybe this very draft, its name hit first.
                if (await ExistingClusterAsync(draft.Id, ct) is { } raced) return await SameAsAsync(raced, draft, ct);
                lost = conflict;
                await BackOffAsync(attempt, ct);
            }
        }
        return new SubmitResult(null, new DraftCheck([]), Busy: lost == StoreConflict.NameTaken
            ? $"The name {draft.Name} was taken by another submission {MaxAttempts} times in a row while this one was checked: submit again."
            : $"Other clusters kept taking this draft's ranges on {draft.L2Network.Trim()} while it was checked (" +
                $"{MaxAttempts} times): submit again, or choose other ranges.");
    }

    /// <summary>A short random pause before judging again, so a crowd that lost together does not collide again together.</summary>
    private Task BackOffAsync(int attempt, CancellationToken ct) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * Math.Min(attempt, 10))), time, ct);

    /// <summary>The cluster, its ranges, its one job, the log's first line, the audit entry and the draft's link, in one transaction.</summary>
    private async Task<Guid> RecordAsync(ClusterDraft draft, ClusterSpec spec, string manifest, string target, string actor, CancellationToken ct)
    {
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
            ContainersCidrV6 = spec.ContainersCidrV6?.ToString(),
            ServicesCidrV6 = spec.ServicesCidrV6?.ToString(),
            Backend = spec.Backend.ToString(),
            SpecJson = spec.ToJson(),
            CreatedAt = now,
            State = JobState.Pending, // its one job's, saved with it
        };
        cluster.Ranges.AddRange(ClusterRanges.Of(cluster));
        var job = new ProvisioningJob
        {
            Id = Guid.NewGuid(),
            ClusterId = cluster.Id,
            Target = target,
            State = JobState.Pending,
            CreatedAt = now,
            ManifestYaml = manifest, // rendered once: what the job applies and the page shows
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Clusters.Add(cluster);
        db.Jobs.Add(job);
        db.JobLog.Add(new JobLogLine { JobId = job.Id, At = now, Message = $"Submitted {spec.Name} for target {job.Target}" });
        db.Audit.Add(new AuditEntry
        {
            At = now, Actor = actor, Action = AuditAction.Submitted, DraftId = draft.Id, ClusterId = cluster.Id, JobId = job.Id,
            Detail = $"target {job.Target}",
        });
        var draftRow = await db.Drafts.SingleOrDefaultAsync(d => d.Id == draft.Id, ct);
        if (draftRow is null)
            db.Drafts.Add(new DraftRecord
            {
                Id = draft.Id, Json = DraftStore.Serialize(draft), Step = (int)WizardStep.Review, UpdatedAt = now, ClusterId = cluster.Id, Owner = actor,
            });
        else draftRow.ClusterId = cluster.Id;
        await db.SaveChangesAsync(ct); // one transaction: all of it, or (a conflict) none of it
        queue.Enqueue(job.Id);
        return cluster.Id;
    }

    /// <summary>
    /// A draft id makes one cluster: the same submission again (five clicks, a replayed request) answers with it; a
    /// different one under the same id is refused, naming what differs, instead of silently answering with the old cluster.
    /// </summary>
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
