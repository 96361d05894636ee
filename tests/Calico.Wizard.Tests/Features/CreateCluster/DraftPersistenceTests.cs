using Bunit;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Features.CreateCluster;
using Microsoft.Extensions.DependencyInjection;
using static Calico.Wizard.Tests.WizardDom;

namespace Calico.Wizard.Tests.Features.CreateCluster;

/// <summary>Drafts are written once per autosave window, timed on a <see cref="TestClock"/>; the rest write at once.</summary>
public sealed class DraftPersistenceTests : WizardTestContext
{
    private static readonly TimeSpan Moment = TimeSpan.FromMilliseconds(1);
    private readonly TestClock clock;

    public DraftPersistenceTests()
    {
        clock = UseTestClock();
        // longer than any test runs: only the test clock closes it, so a window timed on real time would fail here
        Services.Configure<WizardOptions>(o => o.AutosaveDelay = TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task Draft_persistence_should_save_change_when_field_is_typed()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);
        var id = cut.Instance.DraftId;

        await cut.TypeAsync("block-size", "22");
        await cut.ClickAsync("ipip-never");
        cut.WaitForAssertion(() => Assert.True(cut.ByTestId("ipip-never").IsChecked()));

        var reloaded = await SavedStateAsync(id, d => d.EncapsulationMode == EncapsulationMode.Never);
        Assert.Equal("22", reloaded.Draft.BlockSize);
        Assert.Equal(EncapsulationMode.Never, reloaded.Draft.EncapsulationMode);
        Assert.False(reloaded.Draft.NatOutgoing);
        Assert.Equal(WizardStep.Network, reloaded.Step);
    }

    [Fact]
    public async Task Draft_persistence_should_see_change_when_new_state_loads_same_id()
    {
        var id = Guid.NewGuid();
        var first = await LoadStateAsync(id);
        Assert.Null(await Drafts.LoadAsync(id)); // opening a new draft stores nothing

        await first.ChangeAsync(nameof(ClusterDraft.Name), d => d.Name = "edge-02");
        await first.ChangeAsync(nameof(ClusterDraft.ContainersCidr), d => d.ContainersCidr = "10.30.0.0/16");

        var second = await SavedStateAsync(id, d => d.ContainersCidr == "10.30.0.0/16");
        Assert.Equal("edge-02", second.Draft.Name);
        Assert.Equal("10.30.0.0/16", second.Draft.ContainersCidr);
        Assert.Equal(id, second.Draft.Id);
    }

    [Fact]
    public async Task Draft_persistence_should_resume_on_saved_step_when_page_is_reloaded()
    {
        var id = Guid.NewGuid();
        var cut = await PassClusterStepAsync(id, "edge-03", "rack-b");
        await cut.TypeAsync("services-cidr", "10.99.0.0/16");
        await SavedStateAsync(id, d => d.ServicesCidr == "10.99.0.0/16"); // "Draft saved": within the autosave window

        var reload = Render<WizardPage>(p => p.Add(w => w.DraftId, id)); // a second circuit on the same URL

        reload.WaitForElement(By("step-network"));
        Assert.Equal("10.99.0.0/16", reload.ByTestId("services-cidr").GetAttribute("value"));
        await reload.ClickAsync("goto-cluster");
        reload.WaitForElement(By("step-cluster"));
        Assert.Equal("edge-03", reload.ByTestId("cluster-name").GetAttribute("value"));
        Assert.Equal("rack-b", reload.ByTestId("l2-network").GetAttribute("value"));
    }

    [Fact]
    public async Task Quick_changes_are_written_once_when_the_autosave_window_has_passed_and_the_last_one_wins()
    {
        var window = Services.GetRequiredService<DraftAutosave>().Delay;
        var id = Guid.NewGuid();
        var state = await LoadStateAsync(id);
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        state.Saved += () => written.TrySetResult();
        Task Type(int i) => state.ChangeAsync(nameof(ClusterDraft.Mtu), d => d.Mtu = (1400 + i).ToString(System.Globalization.CultureInfo.InvariantCulture));

        await Type(0);
        clock.Advance(window / 2);
        for (var i = 1; i < 20; i++) await Type(i); // the window runs from the first unsaved change: later keys do not start it again
        clock.Advance(window / 2 - Moment);
        Assert.Null(await Drafts.LoadAsync(id)); // the window's last moment: nothing written yet
        Assert.Equal(0, state.SavedVersion);

        clock.Advance(Moment);
        await written.Task.WaitAsync(DefaultWaitTimeout);
        Assert.Equal("1419", (await Drafts.LoadAsync(id))!.Draft.Mtu);
        Assert.Equal(1, state.SavedVersion); // twenty keystrokes, one write
        Assert.Equal(clock.Start.UtcDateTime + window, state.SavedAt); // what "Draft saved" shows

        clock.Advance(window);
        Assert.Equal(1, state.SavedVersion); // nothing left to write: no second write
    }

    [Fact]
    public async Task Closing_the_circuit_writes_what_is_unsaved_at_once()
    {
        var id = Guid.NewGuid();
        var state = await LoadStateAsync(id);
        await state.ChangeAsync(nameof(ClusterDraft.Name), d => d.Name = "closing-01");
        Assert.Null(await Drafts.LoadAsync(id)); // still inside the window

        await state.DisposeAsync(); // what the circuit's scope does when the tab closes

        Assert.Equal("closing-01", (await Drafts.LoadAsync(id))!.Draft.Name);
    }

    [Fact]
    public async Task A_graceful_shutdown_writes_every_open_draft_s_unsaved_change()
    {
        var id = Guid.NewGuid();
        var state = await LoadStateAsync(id);
        await state.ChangeAsync(nameof(ClusterDraft.Name), d => d.Name = "stopping-01");

        await Services.GetRequiredService<DraftAutosave>().StopAsync(CancellationToken.None);

        Assert.Equal("stopping-01", (await Drafts.LoadAsync(id))!.Draft.Name);
    }

    [Fact]
    public async Task Next_writes_the_draft_at_once_with_its_new_step()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Network);
        await cut.TypeAsync("mtu", "1400");
        await cut.ClickAsync("next");
        cut.WaitForElement(By("step-policies"));
        var stored = await Drafts.LoadAsync(cut.Instance.DraftId);
        Assert.Equal("1400", stored!.Draft.Mtu);
        Assert.Equal((int)WizardStep.Policies, stored.Step);
    }
}
