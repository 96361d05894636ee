using System.Net;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Store.Tests;

/// <summary>The store's behaviour, on each provider: the same model and rules must hold on SQLite and PostgreSQL.</summary>
public abstract class StoreContract(StoreProvider provider)
{
    protected Task<ProvisioningFixture> FixtureAsync(Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configure = null) =>
        ProvisioningFixture.CreateAsync(configure, provider);

    protected async Task ConcurrentSubmitsOfOneDraft_MakeOneClusterAndOneJob()
    {
        await using var f = await FixtureAsync();
        var draft = TestDrafts.Valid();
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => f.Submission.SubmitAsync(draft.Clone())));
        Assert.Single(results.Select(r => r.ClusterId).Distinct());
        await using var db = await f.NewDbContextAsync();
        Assert.Equal(1, await db.Clusters.CountAsync());
        Assert.Equal(1, await db.Jobs.CountAsync());
        Assert.Equal(1, await db.Audit.CountAsync(a => a.Action == AuditAction.Submitted));
    }

    protected async Task DraftsRoundTrip()
    {
        await using var f = await FixtureAsync();
        var draft = TestDrafts.Valid(d => { d.ContainersCidr = "10.44.0.0/16"; d.NetworkPolicies = ["apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"]; });
        await f.Drafts.SaveAsync(draft, 2);
        var loaded = await f.Drafts.LoadAsync(draft.Id);
        Assert.NotNull(loaded);
        Assert.Equal(2, loaded.Step);
        Assert.Equal(DraftStore.Serialize(draft), DraftStore.Serialize(loaded.Draft));
    }

    protected async Task OverlapIsFoundByTheIndex_AcrossNestingAndFamilies()
    {
        await using var f = await FixtureAsync();
        var first = await f.Submission.SubmitAsync(TestDrafts.Valid(d => { d.Name = "first"; d.ContainersCidr = "10.60.0.0/16"; d.ServicesCidr = "10.61.0.0/16"; }));
        Assert.True(first.Accepted);
        var inside = await f.Submission.SubmitAsync(TestDrafts.Valid(d => { d.Name = "inside"; d.ContainersCidr = "10.60.128.0/17"; d.ServicesCidr = "10.62.0.0/16"; }));
        Assert.False(inside.Accepted);
        Assert.Contains("Overlaps cluster 'first'", string.Join(" ", inside.Check.Errors.Select(e => e.ErrorMessage)));
        var around = await f.Submission.SubmitAsync(TestDrafts.Valid(d => { d.Name = "around"; d.ContainersCidr = "10.0.0.0/8"; d.ServicesCidr = "172.20.0.0/16"; }));
        Assert.False(around.Accepted);
        var beside = await f.Submission.SubmitAsync(TestDrafts.Valid(d => { d.Name = "beside"; d.ContainersCidr = "10.70.0.0/16"; d.ServicesCidr = "10.71.0.0/16"; }));
        Assert.True(beside.Accepted, string.Join(" ", beside.Check.Errors.Select(e => e.ErrorMessage)));

        // the keys compare as bytes on both providers: a range near the top of the space is still found
        var registry = (StoreClusterRegistry)f.Registry;
        var found = await registry.OverlappingAsync("BareOS", "rack-1", IPNetwork.Parse("10.60.255.0/24"));
        Assert.Equal(["first"], found.Select(c => c.Name));
        Assert.Equal(32, AddressKey.First(IPNetwork.Parse("10.60.0.0/16")).Length);
    }

    protected async Task ADualStackClustersIpv6RangesAreFoundByTheIndex()
    {
        await using var f = await FixtureAsync();
        var dual = await f.Submission.SubmitAsync(TestDrafts.Valid(d => { d.Name = "dual"; d.ChangeNetworkStack(NetworkStack.DualStack); d.ContainersCidrV6 = "fd00:60::/64"; d.ServicesCidrV6 = "fd00:61::/112"; }));
        Assert.True(dual.Accepted, string.Join(" ", dual.Check.Errors.Select(e => e.ErrorMessage)));

        // an IPv6 cluster on the same network whose pods would sit in the dual-stack cluster's IPv6 services
        var clash = await f.Submission.SubmitAsync(TestDrafts.ValidIPv6(d => { d.Name = "six"; d.ContainersCidr = "fd00:61::/64"; d.ServicesCidr = "fd00:62::/112"; }));
        Assert.False(clash.Accepted);
        Assert.Equal("Overlaps cluster 'dual' (IPv6 services CIDR fd00:61::/112) on the same network 'rack-1': subnets on one L2 network must not coincide; choose another range.",
            clash.Check.FirstErrorFor(nameof(ClusterDraft.ContainersCidr)));
        var registry = (StoreClusterRegistry)f.Registry;
        var found = Assert.Single(await registry.OverlappingAsync("BareOS", "rack-1", IPNetwork.Parse("fd00:60::/48")));
        Assert.Equal((IPNetwork.Parse("fd00:60::/64"), IPNetwork.Parse("fd00:61::/112")), (found.ContainersCidrV6, found.ServicesCidrV6));
    }

    protected async Task AJobRunsToReady()
    {
        await using var f = await FixtureAsync();
        await f.StartWorkerAsync();
        var result = await f.Submission.SubmitAsync(TestDrafts.Valid());
        var job = await f.WaitUntilFinishedAsync((await f.SingleJobOfAsync(result.ClusterId)).Id);
        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Single(job.Log, l => l.Message.StartsWith("Claimed by ", StringComparison.Ordinal));
        Assert.Null(job.LeaseExpiresAt);
    }

    /// <summary>A change to the model without its migration fails start-up (EF refuses pending model changes): caught here first.</summary>
    protected async Task TheModelHasNoChangesItsMigrationsLack()
    {
        await using var f = await FixtureAsync();
        await using var db = await f.NewDbContextAsync();
        Assert.False(db.Database.HasPendingModelChanges(), "the model changed: add a migration for this provider (docs/architecture.md, 'a change to what is stored')");
    }
}

public sealed class SqliteStoreTests() : StoreContract(StoreProvider.Sqlite)
{
    [Fact] public Task Migrations() => TheModelHasNoChangesItsMigrationsLack();
    [Fact] public Task ConcurrentSubmits() => ConcurrentSubmitsOfOneDraft_MakeOneClusterAndOneJob();
    [Fact] public Task Drafts() => DraftsRoundTrip();
    [Fact] public Task Overlap() => OverlapIsFoundByTheIndex_AcrossNestingAndFamilies();
    [Fact] public Task DualStackOverlap() => ADualStackClustersIpv6RangesAreFoundByTheIndex();
    [Fact] public Task Job() => AJobRunsToReady();
}

public sealed class PostgresStoreTests() : StoreContract(StoreProvider.PostgreSQL)
{
    [PostgresFact] public Task Migrations() => TheModelHasNoChangesItsMigrationsLack();
    [PostgresFact] public Task ConcurrentSubmits() => ConcurrentSubmitsOfOneDraft_MakeOneClusterAndOneJob();
    [PostgresFact] public Task Drafts() => DraftsRoundTrip();
    [PostgresFact] public Task Overlap() => OverlapIsFoundByTheIndex_AcrossNestingAndFamilies();
    [PostgresFact] public Task DualStackOverlap() => ADualStackClustersIpv6RangesAreFoundByTheIndex();
    [PostgresFact] public Task Job() => AJobRunsToReady();
}
