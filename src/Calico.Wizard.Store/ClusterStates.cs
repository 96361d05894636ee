using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Store;

/// <summary>
/// Keeps <see cref="ClusterRecord.State"/> equal to the state of the cluster's newest job. Every change of a job's
/// state goes through here, in the transaction of the change itself: the clusters list filters on the copy, so a
/// copy that lagged would hide a failed cluster from "Failed". It is recomputed from the jobs (one UPDATE, a
/// correlated subquery on the Jobs.ClusterId index) rather than set to the changed job's state, so a retry of an
/// older job never overwrites the newest one's.
/// </summary>
public static class ClusterStates
{
    /// <summary>Copies the newest job's state onto the cluster of <paramref name="jobId"/>.</summary>
    public static Task<int> CopyNewestJobStateAsync(WizardDbContext db, Guid jobId, CancellationToken ct = default) =>
        db.Clusters
            .Where(c => db.Jobs.Where(j => j.Id == jobId).Select(j => j.ClusterId).Contains(c.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, c => db.Jobs.Where(j => j.ClusterId == c.Id)
                .OrderByDescending(j => j.CreatedAt).Select(j => (JobState?)j.State).FirstOrDefault()), ct);

    /// <summary>Saves <paramref name="db"/>'s changes to the job <paramref name="jobId"/> and copies its cluster's state, in one transaction.</summary>
    public static Task SaveChangesAsync(WizardDbContext db, Guid jobId, CancellationToken ct = default) =>
        InTransactionAsync(db, async () =>
        {
            await db.SaveChangesAsync(ct);
            await CopyNewestJobStateAsync(db, jobId, ct);
        }, ct);

    /// <summary>Runs <paramref name="work"/> in a transaction of its own, or in the one <paramref name="db"/> already has.</summary>
    public static async Task<T> InTransactionAsync<T>(WizardDbContext db, Func<Task<T>> work, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is not null) return await work();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var result = await work();
        await transaction.CommitAsync(ct);
        return result;
    }

    public static Task InTransactionAsync(WizardDbContext db, Func<Task> work, CancellationToken ct = default) =>
        InTransactionAsync(db, async () => { await work(); return true; }, ct);
}
