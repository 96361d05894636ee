using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Store;

/// <summary>The audit trail: who created, submitted, retried or cancelled what, and when.</summary>
public sealed class AuditLog(IDbContextFactory<WizardDbContext> dbFactory, TimeProvider time)
{
    public async Task RecordAsync(string actor, AuditAction action, Guid? draftId = null, Guid? clusterId = null, string? detail = null,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Audit.Add(new AuditEntry
        {
            At = time.GetUtcNow().UtcDateTime, Actor = actor, Action = action, DraftId = draftId, ClusterId = clusterId, Detail = detail,
        });
        await db.SaveChangesAsync(ct);
    }
}
