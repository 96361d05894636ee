using System.Net;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Calico.Wizard.Store.Tests;

/// <summary>The registry's cached usage of a network: the planner's and the map's starting point, never stale past a submission on it.</summary>
public sealed class NetworkUsageCacheTests
{
    private static ClusterDraft Draft(string name, string network, string containers, string services) =>
        TestDrafts.Valid(d => d.Name = name, d => d.L2Network = network, d => d.ContainersCidr = containers, d => d.ServicesCidr = services);

    [Fact]
    public async Task A_submission_on_the_network_is_in_its_next_usage_and_one_elsewhere_leaves_the_cached_usage_as_it_was()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var registry = f.Registry;
        Assert.True((await f.Submission.SubmitAsync(Draft("a-01", "rack-1", "10.30.0.0/16", "10.31.0.0/20"))).Accepted);
        var first = await registry.UsageAsync("BareOS", "rack-1");
        Assert.Equal(["10.30.0.0/16", "10.31.0.0/20"], first.Ranges.Select(r => r.Cidr.ToString()));

        Assert.True((await f.Submission.SubmitAsync(Draft("b-01", "rack-2", "10.40.0.0/16", "10.41.0.0/20"))).Accepted);
        Assert.Same(first, await registry.UsageAsync("BareOS", "RACK-1 ")); // another network's submission: the same, cached instance

        Assert.True((await f.Submission.SubmitAsync(Draft("a-02", "rack-1", "10.50.0.0/16", "10.51.0.0/20"))).Accepted);
        var after = await registry.UsageAsync("BareOS", "rack-1");
        Assert.Contains(after.Ranges, r => r.Holder == "a-02" && r.Cidr.Equals(IPNetwork.Parse("10.50.0.0/16")));
        Assert.True(after.Overlaps(AddressInterval.Of(IPNetwork.Parse("10.51.0.0/24")), NetworkStack.IPv4));
    }

    [Fact]
    public async Task A_cached_usage_is_read_again_once_it_is_older_than_its_limit()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var f = await ProvisioningFixture.CreateAsync();
        var registry = new StoreClusterRegistry(f.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<WizardDbContext>>(), clock);
        var first = await registry.UsageAsync("BareOS", "rack-1");
        Assert.Same(first, await registry.UsageAsync("BareOS", "rack-1"));
        clock.Advance(StoreClusterRegistry.UsageMaxAge);
        Assert.NotSame(first, await registry.UsageAsync("BareOS", "rack-1"));
    }
}
