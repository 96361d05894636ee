using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Store;

public sealed class AppliedObjectStore(IDbContextFactory<WizardDbContext> dbFactory, TimeProvider time)
{
    public async Task<string?> LastMarkAsync(Guid clusterId, string target, string key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AppliedObjects.Where(a => a.ClusterId == clusterId && a.Target == target && a.Key == key)
            .Select(a => a.Mark).SingleOrDefaultAsync(ct);
    }

    public async Task RecordAsync(Guid clusterId, string target, string key, string? mark, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.AppliedObjects.SingleOrDefaultAsync(a => a.ClusterId == clusterId && a.Target == target && a.Key == key, ct);
        if (row is null) db.AppliedObjects.Add(row = new AppliedObject { ClusterId = clusterId, Target = target, Key = key });
        row.Mark = mark;
        row.AppliedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
    }
}
