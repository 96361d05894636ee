using System.Text.Json;
using System.Text.Json.Serialization;
using Calico.Wizard.Core.Drafts;
using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Store;

public sealed record SavedDraft(ClusterDraft Draft, int Step, Guid? ClusterId);

/// <summary>Drafts by id: created on first visit, saved on every change.</summary>
public sealed class DraftStore(IDbContextFactory<WizardDbContext> dbFactory, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public async Task<SavedDraft?> LoadAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var record = await db.Drafts.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct);
        if (record is null) return null;
        var draft = JsonSerializer.Deserialize<ClusterDraft>(record.Json, Json) ?? new ClusterDraft();
        draft.Id = id;
        return new SavedDraft(draft, record.Step, record.ClusterId);
    }

    public async Task SaveAsync(ClusterDraft draft, int step, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var json = JsonSerializer.Serialize(draft, Json);
        var now = time.GetUtcNow().UtcDateTime;
        Task<int> UpdateAsync(WizardDbContext context) => context.Drafts.Where(d => d.Id == draft.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Json, json).SetProperty(d => d.Step, step).SetProperty(d => d.UpdatedAt, now), ct);

        if (await UpdateAsync(db) > 0) return;
        db.Drafts.Add(new DraftRecord { Id = draft.Id, Json = json, Step = step, UpdatedAt = now });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // Another save created it between our update and insert: update it instead.
            await using var retry = await dbFactory.CreateDbContextAsync(ct);
            await UpdateAsync(retry);
        }
    }

    public static string Serialize(ClusterDraft draft) => JsonSerializer.Serialize(draft, Json);
}
