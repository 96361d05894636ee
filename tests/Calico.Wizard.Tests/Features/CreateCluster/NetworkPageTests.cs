using Bunit;
using Calico.Wizard.Features.Clusters;
using Calico.Wizard.Provisioning.Jobs;
using Microsoft.Extensions.DependencyInjection;
using static Calico.Wizard.Tests.WizardDom;

namespace Calico.Wizard.Tests.Features.CreateCluster;

/// <summary>/networks/{provider}/{network}: a network's address map, where the clusters list's network filter leads.</summary>
public sealed class NetworkPageTests : WizardTestContext
{
    [Fact]
    public async Task The_page_draws_every_cluster_registered_on_the_network_and_only_those()
    {
        var submission = Services.GetRequiredService<ClusterSubmission>();
        foreach (var (name, network, containers, services) in new[]
        {
            ("a-01", "Rack-7", "10.30.0.0/16", "172.16.32.0/20"), ("a-02", "rack-7", "10.40.0.0/16", "172.16.48.0/20"), ("b-01", "rack-8", "10.50.0.0/16", "172.16.64.0/20"),
        })
            Assert.True((await submission.SubmitAsync(TestDrafts.Valid(d => d.Name = name, d => d.L2Network = network, d => d.ContainersCidr = containers, d => d.ServicesCidr = services))).Accepted);

        var cut = Render<NetworkPage>(p => p.Add(x => x.Provider, "BareOS").Add(x => x.Network, "rack-7"));

        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll(By("address-map-segment")).Count(s => s.GetAttribute("data-kind") == "Cluster")));
        var labels = cut.FindAll(By("address-map-segment")).Select(s => s.GetAttribute("aria-label")).ToArray();
        Assert.Contains("a-01 containers 10.30.0.0/16", labels); // the network's name is case-insensitive
        Assert.Contains("a-02 services 172.16.48.0/20", labels);
        Assert.DoesNotContain(labels, l => l!.StartsWith("b-01", StringComparison.Ordinal));
        Assert.Equal("/clusters?provider=BareOS&network=rack-7", cut.ByTestId("network-clusters-link").GetAttribute("href"));
    }

    [Fact]
    public void An_unknown_provider_is_named_not_thrown()
    {
        var cut = Render<NetworkPage>(p => p.Add(x => x.Provider, "<b>Mars</b>").Add(x => x.Network, "rack-7"));
        Assert.Contains("'<b>Mars</b>' is not a provider of this wizard: BareOS, AWS, Azure.", cut.TextOf("network-unknown")); // as text, never markup
    }
}
