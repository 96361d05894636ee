using Bunit;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Features.CreateCluster;
using Calico.Wizard.Features.Shared;
using Microsoft.Extensions.DependencyInjection;
using static Calico.Wizard.Tests.WizardDom;

namespace Calico.Wizard.Tests.Features.CreateCluster;

/// <summary>
/// What a keystroke draws again (issue 16): the step that shows the draft, not the page around it; the address map once
/// per pause in typing, not once per key. Each would fail if the page re-rendered with every change or the map with
/// every key, which is the server work per keystroke these cuts removed. The autosave window and the map's pause pass
/// on a <see cref="TestClock"/>, when a test moves it on.
/// </summary>
public sealed class RenderScopeTests : WizardTestContext
{
    private static readonly TimeSpan Moment = TimeSpan.FromMilliseconds(1);
    private readonly TestClock clock;

    // Read when the options are first asked for (the first render), so each test sets them before it renders. Longer
    // than any test runs: only the test clock ends them, so a wait that went back to real time would fail here.
    private TimeSpan autosaveDelay = TimeSpan.FromMinutes(10);
    private readonly TimeSpan mapDelay = TimeSpan.FromMinutes(10);

    public RenderScopeTests()
    {
        Services.Configure<WizardOptions>(o => (o.AutosaveDelay, o.MapDelay) = (autosaveDelay, mapDelay));
        clock = UseTestClock();
    }

    [Fact]
    public async Task A_keystroke_renders_the_step_and_its_message_but_not_the_page_around_it()
    {
        autosaveDelay = TimeSpan.FromHours(1); // no "Draft saved" while typing
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);
        var step = cut.FindComponent<NetworkStep>();
        // bUnit counts a component's renders with its children's: the page's own Next button stands for the page.
        var next = cut.FindComponents<MudBlazor.MudButton>().Single(b => b.Find("button").GetAttribute("data-testid") == "next");
        var (nextRenders, stepRenders) = (next.RenderCount, step.RenderCount);
        var blockSize = cut.FindComponents<WizardTextField>().Single(f => f.Instance.Property == nameof(ClusterDraft.BlockSize));
        var blockSizeRenders = blockSize.RenderCount;

        await cut.TypeAsync("containers-cidr", "10.20.0.0/169");
        cut.WaitForAssertion(() => Assert.Contains("out of range", cut.TextOf("containers-cidr-error")));
        await cut.TypeAsync("containers-cidr", "10.20.0.0/17");
        cut.WaitForAssertion(() =>
        {
            Assert.False(cut.Has("containers-cidr-error"));
            Assert.Contains("up to 512 nodes", cut.TextOf("capacity")); // the block size's status line follows another field
        });

        Assert.True(step.RenderCount >= stepRenders + 2, $"the step rendered {step.RenderCount - stepRenders} time(s) for two changes");
        Assert.Equal(nextRenders, next.RenderCount); // title, step list, buttons: unchanged, so not drawn again
        Assert.Equal(blockSizeRenders, blockSize.RenderCount); // its capacity line changed beside it, the field did not
    }

    [Fact]
    public async Task The_page_still_renders_what_it_shows_the_save_and_a_refused_next()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);
        var saved = cut.ByTestId("draft-status").GetAttribute("data-saved-version");

        await cut.TypeAsync("containers-cidr", "10.20.0.0/169");
        clock.Advance(autosaveDelay);
        cut.WaitForAssertion(() => Assert.NotEqual(saved, cut.ByTestId("draft-status").GetAttribute("data-saved-version")));

        await cut.ClickAsync("next");
        cut.WaitForAssertion(() => Assert.Contains("Fix the 1 problem(s)", cut.TextOf("next-blocked")));
        await cut.TypeAsync("containers-cidr", "10.20.0.0/16");
        cut.WaitForAssertion(() => Assert.False(cut.Has("next-blocked"))); // the refusal goes once the step is valid
    }

    [Fact]
    public async Task A_burst_of_keys_draws_the_address_map_once_after_the_typing_stops()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);
        var map = cut.FindComponent<AddressMapPicture>();
        var renders = map.RenderCount;
        Assert.Contains(cut.FindAll(By("address-map-segment")), s => s.GetAttribute("aria-label") == "this draft containers 10.20.0.0/16");

        foreach (var typed in new[] { "10.20.0.0/1", "10.20.0.0/17", "10.30.0.0/17", "10.30.0.0/16" })
        {
            await cut.TypeAsync("containers-cidr", typed);
            clock.Advance(mapDelay - Moment); // a pause just shorter than the map's: each key starts the wait again
        }
        Assert.Contains("up to 1,024 nodes", cut.TextOf("capacity")); // the rules answered every key at once
        Assert.Equal(renders, map.RenderCount);
        Assert.Contains(cut.FindAll(By("address-map-segment")), s => s.GetAttribute("aria-label") == "this draft containers 10.20.0.0/16");

        clock.Advance(Moment);
        cut.WaitForAssertion(() =>
            Assert.Contains(cut.FindAll(By("address-map-segment")), s => s.GetAttribute("aria-label") == "this draft containers 10.30.0.0/16"));
        Assert.Equal(renders + 1, map.RenderCount);
    }

    [Fact]
    public async Task The_buttons_are_not_drawn_again_when_the_page_is_for_the_name_or_a_save_only_for_the_step()
    {
        // A MudButton drawn again hands the browser a new click handler; one clicked while the circuit was busy drawing it
        // again was dropped in the E2E keyboard test (the click on Next arrived for a handler the server had replaced).
        autosaveDelay = TimeSpan.Zero; // every change saved at once: "Draft saved" redraws the page each time
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Cluster);
        var nav = cut.FindComponent<WizardNav>();
        var (navRenders, pageRenders) = (nav.RenderCount, cut.RenderCount);
        var saved = cut.ByTestId("draft-status").GetAttribute("data-saved-version");

        await cut.TypeAsync("cluster-name", "edge-02"); // the page's title shows the name
        cut.WaitForAssertion(() => Assert.NotEqual(saved, cut.ByTestId("draft-status").GetAttribute("data-saved-version")));
        Assert.True(cut.RenderCount > pageRenders, "the page did not draw the new name and the save at all");
        Assert.Equal(navRenders, nav.RenderCount);

        await cut.ClickAsync("next");
        cut.WaitForAssertion(() => Assert.True(cut.Has("step-network")));
        Assert.True(nav.RenderCount > navRenders, "the buttons were not drawn for the new step");
        Assert.False(cut.ByTestId("back").IsDisabled()); // Back is live on the second step: what they show did follow
    }
}
