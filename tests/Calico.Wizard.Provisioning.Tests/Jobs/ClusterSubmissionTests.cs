using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Store;
using Calico.Wizard.Provisioning.Targets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Calico.Wizard.Provisioning.Tests.Jobs;

public sealed class ClusterSubmissionTests
{
    [Fact]
    public async Task Submit_should_create_one_cluster_and_one_pending_job_with_manifest_when_draft_is_valid()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = TestDrafts.Valid();

        var result = await f.Submission.SubmitAsync(draft);

        Assert.True(result.Accepted, string.Join(" ", result.Check.Errors.Select(e => e.ErrorMessage)));
        await using var db = await f.NewDbContextAsync();
        var cluster = Assert.Single(await db.Clusters.ToListAsync());
        Assert.Equal(result.ClusterId, cluster.Id);
        Assert.Equal(draft.Id, cluster.DraftId);
        Assert.Equal("edge-01", cluster.Name);
        Assert.Equal("BareOS", cluster.Provider);
        Assert.Equal("rack-1", cluster.NetworkKey);
        Assert.Equal("10.20.0.0/16", cluster.ContainersCidr);
        Assert.Equal("10.21.0.0/16", cluster.ServicesCidr);
        Assert.Equal(ClusterSpec.FromJson(cluster.SpecJson), result.Check.Spec);

        var job = Assert.Single(await db.Jobs.ToListAsync());
        Assert.Equal(cluster.Id, job.ClusterId);
        Assert.Equal(JobState.Pending, job.State);
        Assert.Equal(DryRunTarget.TargetName, job.Target);
        Assert.False(string.IsNullOrWhiteSpace(job.ManifestYaml));
        Assert.Contains("kind: Installation", job.ManifestYaml, StringComparison.Ordinal);
        Assert.Contains("10.20.0.0/16", job.ManifestYaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_should_create_one_cluster_and_one_job_when_submitted_five_times_concurrently()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = TestDrafts.Valid();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => f.Submission.SubmitAsync(draft))));

        Assert.All(results, r => Assert.True(r.Accepted));
        var clusterId = Assert.Single(results.Select(r => r.ClusterId).Distinct());
        await using var db = await f.NewDbContextAsync();
        var cluster = Assert.Single(await db.Clusters.ToListAsync());
        Assert.Equal(clusterId, cluster.Id);
        var job = Assert.Single(await db.Jobs.ToListAsync());
        Assert.Equal(clusterId, job.ClusterId);
    }

    [Fact]
    public async Task Submit_should_return_the_same_cluster_when_the_draft_is_submitted_again_later()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = TestDrafts.Valid();

        var first = await f.Submission.SubmitAsync(draft);
        var second = await f.Submission.SubmitAsync(draft);

        Assert.True(first.Accepted);
        Assert.Equal(first.ClusterId, second.ClusterId);
        await using var db = await f.NewDbContextAsync();
        Assert.Equal(1, await db.Clusters.CountAsync());
        Assert.Equal(1, await db.Jobs.CountAsync());
    }

    [Fact]
    public async Task Submit_should_return_errors_and_write_nothing_when_draft_is_invalid()
    {
        await using var f = await ProvisioningFixture.CreateAsync();

        var result = await f.Submission.SubmitAsync(TestDrafts.Valid(d => d.Name = "Edge_01", d => d.PlannedNodes = "0"));

        Assert.False(result.Accepted);
        Assert.Null(result.ClusterId);
        Assert.Null(result.Check.Spec);
        Assert.NotEmpty(result.Check.ErrorsFor(nameof(ClusterDraft.Name)));
        Assert.NotEmpty(result.Check.ErrorsFor(nameof(ClusterDraft.PlannedNodes)));
        await using var db = await f.NewDbContextAsync();
        Assert.Equal(0, await db.Clusters.CountAsync());
        Assert.Equal(0, await db.Jobs.CountAsync());
        Assert.Equal(0, await db.JobLog.CountAsync());
        Assert.Equal(0, await db.Drafts.CountAsync());
    }

    [Fact]
    public async Task Submit_should_refuse_naming_azure_when_draft_is_forged_to_use_calico_on_azure()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        // What a hand-made request can send: the wizard would have switched the backend to Flannel.
        var forged = TestDrafts.Valid(d => d.Provider = "Azure", d => d.L2Network = "prod-vnet", d => d.Backend = NetworkBackend.Calico);

        var result = await f.Submission.SubmitAsync(forged);

        Assert.False(result.Accepted);
        var error = Assert.Single(result.Check.ErrorsFor(nameof(ClusterDraft.Backend)));
        Assert.Contains("Azure", error, StringComparison.Ordinal);
        await using var db = await f.NewDbContextAsync();
        Assert.Equal(0, await db.Clusters.CountAsync());
        Assert.Equal(0, await db.Jobs.CountAsync());
    }

    [Fact]
    public async Task Submit_should_refuse_naming_the_first_cluster_when_containers_cidr_overlaps_on_the_same_network_in_another_case()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        Assert.True((await f.Submission.SubmitAsync(TestDrafts.Valid())).Accepted);

        var second = TestDrafts.Valid(
            d => d.Name = "edge-02",
            d => d.L2Network = "RACK-1",
            d => d.ContainersCidr = "10.20.128.0/17", // inside edge-01's 10.20.0.0/16
            d => d.ServicesCidr = "10.31.0.0/16");    // clear of everything
        var result = await f.Submission.SubmitAsync(second);

        Assert.False(result.Accepted);
        var error = Assert.Single(result.Check.Errors);
        Assert.Equal(nameof(ClusterDraft.ContainersCidr), error.PropertyName);
        Assert.Contains("'edge-01'", error.ErrorMessage, StringComparison.Ordinal);
        await using var db = await f.NewDbContextAsync();
        Assert.Equal("edge-01", Assert.Single(await db.Clusters.Select(c => c.Name).ToListAsync()));
        Assert.Equal(1, await db.Jobs.CountAsync());
    }

    [Fact]
    public async Task Submit_should_accept_when_the_same_ranges_are_on_another_network()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        Assert.True((await f.Submission.SubmitAsync(TestDrafts.Valid())).Accepted);

        var result = await f.Submission.SubmitAsync(TestDrafts.Valid(d => d.Name = "edge-02", d => d.L2Network = "rack-2"));

        Assert.True(result.Accepted, string.Join(" ", result.Check.Errors.Select(e => e.ErrorMessage)));
        await using var db = await f.NewDbContextAsync();
        Assert.Equal(["edge-01", "edge-02"], await db.Clusters.OrderBy(c => c.Name).Select(c => c.Name).ToListAsync());
        Assert.Equal(2, await db.Jobs.CountAsync());
    }

    [Fact]
    public async Task Submit_should_refuse_when_another_draft_already_uses_the_cluster_name()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        Assert.True((await f.Submission.SubmitAsync(TestDrafts.Valid())).Accepted);

        var result = await f.Submission.SubmitAsync(TestDrafts.Valid(d => d.L2Network = "rack-2"));

        Assert.False(result.Accepted);
        var error = Assert.Single(result.Check.Errors);
        Assert.Equal(nameof(ClusterDraft.Name), error.PropertyName);
        Assert.Contains("'edge-01' already exists", error.ErrorMessage, StringComparison.Ordinal);
        await using var db = await f.NewDbContextAsync();
        Assert.Equal(1, await db.Clusters.CountAsync());
        Assert.Equal(1, await db.Jobs.CountAsync());
    }

    [Fact]
    public async Task Submit_should_refuse_naming_the_target_when_the_draft_asks_for_a_target_not_configured()
    {
        await using var f = await ProvisioningFixture.CreateAsync();

        var result = await f.Submission.SubmitAsync(TestDrafts.Valid(d => d.Target = "k8s-prod"));

        Assert.False(result.Accepted);
        var error = Assert.Single(result.Check.Errors);
        Assert.Equal(nameof(ClusterDraft.Target), error.PropertyName);
        Assert.Contains("'k8s-prod'", error.ErrorMessage, StringComparison.Ordinal);
        await using var db = await f.NewDbContextAsync();
        Assert.Equal(0, await db.Clusters.CountAsync());
        Assert.Equal(0, await db.Jobs.CountAsync());
    }

    [Fact]
    public async Task Submit_should_queue_the_job_on_the_drafts_target_when_it_is_configured()
    {
        var target = new CountingTarget();
        await using var f = await ProvisioningFixture.CreateAsync(s => s.AddSingleton<IProvisioningTarget>(target));

        var result = await f.Submission.SubmitAsync(TestDrafts.Valid(d => d.Target = target.Name));

        Assert.True(result.Accepted, string.Join(" ", result.Check.Errors.Select(e => e.ErrorMessage)));
        var job = await f.SingleJobOfAsync(result.ClusterId);
        Assert.Equal(target.Name, job.Target);
    }

    [Fact]
    public async Task Submit_should_refuse_another_operators_draft_and_write_nothing()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = TestDrafts.Valid();
        await f.Drafts.SaveAsync(draft, 1, owner: "alice@example.com");

        var result = await f.Submission.SubmitAsync(draft, "bob@example.com");

        Assert.False(result.Accepted);
        Assert.StartsWith($"Draft {draft.Id} belongs to alice@example.com", result.Forbidden);
        await using var db = await f.NewDbContextAsync();
        Assert.Empty(await db.Clusters.ToListAsync());
        Assert.True((await f.Submission.SubmitAsync(draft, "alice@example.com")).Accepted);
    }

    [Fact]
    public async Task Submit_should_name_what_differs_when_the_draft_id_already_made_another_cluster()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var draft = TestDrafts.Valid();
        var first = await f.Submission.SubmitAsync(draft);

        var changed = await f.Submission.SubmitAsync(TestDrafts.Valid(d => d.Id = draft.Id, d => d.BlockSize = "24", d => d.Mtu = " 1440 "));

        Assert.True(first.Accepted);
        Assert.Null(changed.ClusterId);
        Assert.Equal(["Block Size"], changed.Conflicts); // the MTU only differs in spaces: the same cluster
    }
}
