using System.Reflection;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;
using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Store.Tests;

public sealed class DraftStoreTests
{
    private static readonly PropertyInfo[] DraftProperties =
        typeof(ClusterDraft).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.CanWrite).ToArray();

    /// <summary>
    /// Every field away from its default, so a field the store drops or resets cannot go unnoticed: derived from the
    /// field map, so a new field is covered without a line here (text gets a distinct value, a choice the next one,
    /// a switch the other position, policies one valid and one not yet valid).
    /// </summary>
    private static ClusterDraft EveryFieldChanged()
    {
        var defaults = new ClusterDraft();
        var draft = new ClusterDraft();
        foreach (var field in DraftFields.All)
            field.Set(draft, field.Get(defaults) switch
            {
                string text => $"{text}-changed-{field.Key}",
                bool on => !on,
                Enum choice => Enum.GetValues(field.Type).Cast<object>().First(v => !Equals(v, choice)),
                List<string> => new List<string>
                {
                    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all\n  namespace: default\nspec:\n  podSelector: {}\n",
                    "not yet valid YAML: kept as typed",
                },
                var other => throw new InvalidOperationException($"{field.Key}: no changed value for {other?.GetType().Name}"),
            });
        return draft;
    }

    [Fact]
    public async Task Save_then_load_should_round_trip_every_field_and_the_step()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = EveryFieldChanged();
        var defaults = new ClusterDraft();
        Assert.All(DraftProperties, p => Assert.NotEqual(p.GetValue(defaults), p.GetValue(draft))); // the test covers every field

        await f.Drafts.SaveAsync(draft, (int)WizardStep.Network);
        var saved = await f.Drafts.LoadAsync(draft.Id);

        Assert.NotNull(saved);
        Assert.Equal((int)WizardStep.Network, saved.Step);
        Assert.Null(saved.ClusterId);
        Assert.NotSame(draft, saved.Draft);
        Assert.All(DraftProperties, p => Assert.Equal(p.GetValue(draft), p.GetValue(saved.Draft)));
    }

    [Fact]
    public async Task Save_should_update_the_same_row_when_saved_twice()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = TestDrafts.Valid();
        await f.Drafts.SaveAsync(draft, (int)WizardStep.Cluster);

        draft.Name = "edge-99";
        draft.Mtu = "1380";
        await f.Drafts.SaveAsync(draft, (int)WizardStep.Policies);

        var saved = await f.Drafts.LoadAsync(draft.Id);
        Assert.NotNull(saved);
        Assert.Equal("edge-99", saved.Draft.Name);
        Assert.Equal("1380", saved.Draft.Mtu);
        Assert.Equal((int)WizardStep.Policies, saved.Step);
        await using var db = await f.NewDbContextAsync();
        Assert.Equal(draft.Id, Assert.Single(await db.Drafts.Select(d => d.Id).ToListAsync()));
    }

    [Fact]
    public async Task Load_should_return_null_when_id_is_unknown()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        await f.Drafts.SaveAsync(TestDrafts.Valid(), 0);

        Assert.Null(await f.Drafts.LoadAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task Load_should_return_the_cluster_id_when_the_saved_draft_was_submitted()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = TestDrafts.Valid();
        await f.Drafts.SaveAsync(draft, (int)WizardStep.Review);

        var result = await f.Submission.SubmitAsync(draft);

        Assert.True(result.Accepted);
        var saved = await f.Drafts.LoadAsync(draft.Id);
        Assert.NotNull(saved);
        Assert.Equal(result.ClusterId, saved.ClusterId);
        await using var db = await f.NewDbContextAsync();
        Assert.Equal(1, await db.Drafts.CountAsync());
    }

    [Fact]
    public async Task Load_should_return_the_draft_at_review_with_its_cluster_id_when_submitted_without_ever_being_saved()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = TestDrafts.Valid();

        var result = await f.Submission.SubmitAsync(draft);

        var saved = await f.Drafts.LoadAsync(draft.Id);
        Assert.NotNull(saved);
        Assert.Equal(result.ClusterId, saved.ClusterId);
        Assert.Equal((int)WizardStep.Review, saved.Step);
        Assert.Equal("edge-01", saved.Draft.Name);
        Assert.Equal("rack-1", saved.Draft.L2Network);
    }

    [Fact]
    public async Task Save_should_keep_the_cluster_link_when_a_submitted_draft_is_saved_again()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = TestDrafts.Valid();
        var result = await f.Submission.SubmitAsync(draft);

        await f.Drafts.SaveAsync(draft, (int)WizardStep.Review);

        var saved = await f.Drafts.LoadAsync(draft.Id);
        Assert.NotNull(saved);
        Assert.NotNull(result.ClusterId);
        Assert.Equal(result.ClusterId, saved.ClusterId);
    }
}
