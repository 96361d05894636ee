using Bunit;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Features.CreateCluster;
using Calico.Wizard.Features.CreateCluster.Network;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.DependencyInjection;

namespace Calico.Wizard.Tests.Features.CreateCluster;

/// <summary>
/// What a change draws again on the Network step (issue 28): the parts that show the changed value, found by Blazor
/// comparing each part's parameters (plain values and EventCallbacks), not by keys kept by hand. bUnit counts a
/// component's renders with its children's, so a part counts a render when a text field inside it drew itself.
/// </summary>
public sealed class NetworkPartRenderTests : WizardTestContext
{
    private static bool IsPart(IRenderedComponent<IComponent> c) => c.Instance.GetType().Namespace == typeof(BgpChoice).Namespace;

    public NetworkPartRenderTests() => Services.Configure<WizardOptions>(o => o.AutosaveDelay = TimeSpan.FromHours(1)); // no "Draft saved"

    [Fact]
    public async Task Typing_in_the_containers_cidr_draws_its_field_and_the_capacity_line_and_no_other_part()
    {
        // Every part on the page: Calico's options, the dual-stack ones and Advanced open.
        var cut = await RenderWizardAsync(ValidDraft(d => { d.ChangeNetworkStack(NetworkStack.DualStack); d.AdvancedOpen = true; }), WizardStep.Network);
        var parts = cut.FindComponent<NetworkStep>().FindComponents<IComponent>().Where(IsPart).ToList();
        Assert.Equal(16, parts.Count); // with the switches drawn from the field map (DescribedSwitches)
        var before = parts.ToDictionary(p => p.Instance.GetType().Name, p => p.RenderCount);
        var field = cut.FindComponents<WizardTextField>().Single(f => f.Instance.Property == nameof(ClusterDraft.ContainersCidr));
        var fieldBefore = field.RenderCount;

        var keys = new[] { ("10.20.0.0/17", "up to 512 nodes"), ("10.20.0.0/169", "Capacity shown once"), ("10.20.0.0/16", "up to 1,024 nodes") };
        foreach (var (typed, capacity) in keys)
        {
            await cut.TypeAsync("containers-cidr", typed); // the input event the browser sends, through the field's own handler
            cut.WaitForAssertion(() =>
            {
                Assert.Contains(capacity, cut.TextOf("capacity"));
                Assert.Equal(typed.EndsWith("/169", StringComparison.Ordinal), cut.Has("containers-cidr-error")); // its message comes and goes
            });
        }

        var drawn = parts.ToDictionary(p => p.Instance.GetType().Name, p => p.RenderCount - before[p.Instance.GetType().Name]);
        Assert.True(field.RenderCount - fieldBefore >= keys.Length, "the field did not draw its value and message");
        Assert.True(drawn[nameof(StackAndRanges)] >= keys.Length, "the ranges' part (the field inside it) was not drawn");
        Assert.Equal(keys.Length, drawn[nameof(BlockSizes)]); // the capacity line, once a key; its field is not drawn
        Assert.Empty(drawn.Where(d => d.Key is not (nameof(StackAndRanges) or nameof(BlockSizes)) && d.Value > 0).Select(d => $"{d.Key} +{d.Value}"));
    }

    [Fact]
    public async Task A_choice_draws_the_parts_that_show_it_and_leaves_the_others()
    {
        var cut = await RenderWizardAsync(ValidDraft(d => d.AdvancedOpen = true), WizardStep.Network);
        var parts = cut.FindComponent<NetworkStep>().FindComponents<IComponent>().Where(IsPart)
            .ToDictionary(p => p.Instance.GetType().Name);
        var before = parts.ToDictionary(p => p.Key, p => p.Value.RenderCount);

        await cut.ClickAsync("ipip-never"); // the mode, and NAT locked off with it
        cut.WaitForAssertion(() => Assert.True(cut.ByTestId("nat-outgoing").IsDisabled()));

        int Drawn(string part) => parts[part].RenderCount - before[part];
        Assert.True(Drawn(nameof(EncapsulationModeChoice)) > 0);
        Assert.True(Drawn(nameof(NatOutgoingChoice)) > 0);
        Assert.Equal(0, Drawn(nameof(StackAndRanges)));
        Assert.Equal(0, Drawn(nameof(BackendChoice)));
        Assert.Equal(0, Drawn(nameof(AdvancedToggle)));
        Assert.Equal(0, Drawn(nameof(DataplaneChoice)));
    }

    [Fact]
    public void Blazor_skips_a_part_given_the_same_values_and_callbacks_and_draws_it_for_a_callback_over_a_local()
    {
        var host = Render<Host>(p => p.Add(h => h.Bgp, true));
        var part = host.FindComponent<BgpChoice>();
        var drawn = part.RenderCount;

        host.Render(p => p.Add(h => h.Bgp, true)); // the host draws again: the same value, a new callback of the same method
        Assert.Equal(drawn, part.RenderCount);

        host.Render(p => p.Add(h => h.Bgp, false));
        Assert.True(part.RenderCount > drawn, "a changed value was not drawn");

        host.Render(p => p.Add(h => h.Bgp, false).Add(h => h.OverLocal, true));
        drawn = part.RenderCount;
        host.Render(p => p.Add(h => h.Bgp, false).Add(h => h.OverLocal, true)); // a new closure each render: never the same
        Assert.True(part.RenderCount > drawn, "a callback over a local of the render was taken for the same");
    }

    /// <summary>A parent that draws the BGP part, its callback over itself alone or over a local of the render.</summary>
    private sealed class Host : ComponentBase
    {
        [Parameter] public bool Bgp { get; set; }
        [Parameter] public bool OverLocal { get; set; }
        public bool Changed { get; private set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenComponent<BgpChoice>(0);
            builder.AddComponentParameter(1, nameof(BgpChoice.Bgp), Bgp);
            builder.AddComponentParameter(2, nameof(BgpChoice.BgpChanged), OverLocal ? OverShown() : OverSelf());
            builder.CloseComponent();
        }

        // Each in a method of its own: a lambda over this alone, written in a scope that also captures a local, can
        // be compiled into that scope's closure (a new target each render) like the lambda over the local itself.
        private EventCallback<bool> OverSelf() => EventCallback.Factory.Create<bool>(this, v => Changed = v != Bgp);

        private EventCallback<bool> OverShown()
        {
            var shown = Bgp;
            return EventCallback.Factory.Create<bool>(this, v => Changed = v != shown);
        }
    }

    [Fact]
    public async Task The_ipv6_pools_nat_switch_is_drawn_from_its_description_on_dual_stack_only_and_locked_with_never()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);
        Assert.False(cut.Has("nat-outgoing-v6")); // IPv4: one pool, one switch

        await cut.ByTestId("advanced-toggle").ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());
        await cut.ByTestId("dual-stack").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = true });
        cut.WaitForAssertion(() => Assert.Contains("IPv6 NAT Outgoing: on", cut.ByTestId("nat").Text()));
        var state = cut.FindComponent<NetworkStep>().Instance.State;

        await cut.ByTestId("nat-outgoing-v6").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = false });
        cut.WaitForAssertion(() => Assert.Contains("IPv6 NAT Outgoing: off", cut.ByTestId("nat").Text()));
        Assert.True(state.Draft.NatOutgoing); // its own switch: the IPv4 pool's stays on
        Assert.False(state.Draft.NatOutgoingV6);

        await cut.ClickAsync("ipip-never"); // the seed's lock holds both pools
        cut.WaitForAssertion(() => Assert.True(cut.ByTestId("nat-outgoing-v6").IsDisabled()));
        Assert.False(state.Draft.NatOutgoing);
    }
}
