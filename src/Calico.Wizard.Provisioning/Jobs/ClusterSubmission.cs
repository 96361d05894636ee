using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Provisioning.Jobs;

public sealed record SubmitResult(Guid? ClusterId, DraftCheck Check)
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
    Targets.ProvisioningTargets targets)
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public Task<SubmitResult> SubmitAsync(ClusterDraft draft, CancellationToken ct = default) => SubmitAsync(draft, Actor.Anonymous, ct);

    public async Task<SubmitResult> SubmitAsync(ClusterDraft draft, string actor, CancellationToken ct = default)
    {
        await OneAtATime.WaitAsync(ct);
        try
        {
            if (await ExistingClusterAsync(draft.Id, ct) is { } existing)
                return new SubmitResult(existing, new DraftCheck([]));

            var check = await rules.CheckAsync(draft, ct);
            var target = targets.Resolve(draft.Target);
            if (targets.Check(draft.Target) is { } unknown)
                check = new DraftCheck([.. check.Failures, new FluentValidation.Results.ValidationFailure(nameof(ClusterDraft.Target), unknown)]);
            if (!check.IsValid || check.Spec is not { } spec) return new SubmitResult(null, check);

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
                Backend = spec.Backend.ToString(),
                SpecJson = spec.ToJson(),
                CreatedAt = now,
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
                    db.Drafts.Add(new DraftRecord { Id = draft.Id, Json = DraftStore.Serialize(draft), Step = (int)WizardStep.Review, UpdatedAt = now, ClusterId = cluster.Id });
                else draftRow.ClusterId = cluster.Id;
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // Another process won the unique DraftId index: its cluster is this draft's cluster.
                    if (await ExistingClusterAsync(draft.Id, ct) is { } raced) return new SubmitResult(raced, new DraftCheck([]));
                    throw;
                }
            }
            queue.Enqueue(job.Id);
            return new SubmitResult(cluster.Id, check);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    private async Task<Guid?> ExistingClusterAsync(Guid draftId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Clusters.Where(c => c.DraftId == draftId).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct);
    }
}
