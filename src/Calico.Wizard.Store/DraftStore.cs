using System.Text.Json;
using System.Text.Json.Serialization;
using Calico.Wizard.Core.Drafts;
using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Store;

/// <param name="Owner">Who created the draft (null for drafts older than ownership).</param>
public sealed record SavedDraft(ClusterDraft Draft, int Step, Guid? ClusterId, string? Owner = null)
{
    /// <summary>Whether <paramref name="actor"/> may open or submit it.</summary>
    public bool BelongsTo(string actor) => Allows(Owner, actor);

    /// <summary>A draft is its creator's (without sign-in everyone is the same local operator); drafts older than ownership are anyone's.</summary>
    public static bool Allows(string? owner, string actor) => owner is null || owner == actor;
}

/// <summary>Drafts by id: created on first visit, saved on every change.</summary>
public sealed class DraftStore(IDbContextFactory<WizardDbContext> dbFactory, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        // a draft stored under a field's old key reads as it was written
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver { Modifiers = { DraftFields.ReadAliases } },
    };

    public async Task<SavedDraft?> LoadAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var record = await db.Drafts.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct);
        if (record is null) return null;
        var draft = JsonSerializer.Deserialize<ClusterDraft>(record.Json, Json) ?? new ClusterDraft();
        draft.Id = id;
        return new SavedDraft(draft, record.Step, record.ClusterId, record.Owner);
    }

    /// <param name="owner">Recorded when the draft is first stored; a later save never changes it.</param>
    public async Task SaveAsync(ClusterDraft draft, int step, CancellationToken ct = default, string? owner = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var json = JsonSerializer.Serialize(draft, Json);
        var now = time.GetUtcNow().UtcDateTime;
        Task<int> UpdateAsync(WizardDbContext context) => context.Drafts.Where(d => d.Id == draft.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Json, json).SetProperty(d => d.Step, step).SetProperty(d => d.UpdatedAt, now), ct);

        if (await UpdateAsync(db) > 0) return;
        db.Drafts.Add(new DraftRecord { Id = draft.Id, Json = json, Step = step, UpdatedAt = now, Owner = owner });
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
