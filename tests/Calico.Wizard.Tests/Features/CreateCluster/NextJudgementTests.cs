using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Features.CreateCluster;
using Microsoft.Extensions.DependencyInjection;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Tests.Features.CreateCluster;

/// <summary>
/// Next passes or refuses a step on the check of the draft as it was when Next was pressed. A keystroke typed while
/// that check waits on the registry starts a newer check, which is the one the fields show; Next must not then judge
/// the step by whatever check happened to be current (one from before the keys that made the step valid).
/// </summary>
public sealed class NextJudgementTests : WizardTestContext
{
    private readonly HeldRegistry registry = new();

    public NextJudgementTests() => Services.AddSingleton<IClusterRegistry>(registry);

    [Fact]
    public async Task Next_is_judged_by_its_own_check_when_a_later_keystroke_check_is_still_waiting()
    {
        var draft = ValidDraft(d => d.Name = "");
        var id = await SaveDraftAsync(draft, WizardStep.Cluster);
        var state = Services.GetRequiredService<WizardState>();
        await state.LoadAsync(id);
        Assert.False(state.StepIsValid(WizardStep.Cluster)); // no name yet

        registry.Hold();
        var typed = state.ChangeAsync(nameof(ClusterDraft.Name), d => d.Name = "edge-01");      // check 1 waits on the name lookup
        var next = state.NextAsync();                                                          // check 2 (the registry asked afresh)
        var more = state.ChangeAsync(nameof(ClusterDraft.Name), d => d.Name = "edge-01-b");    // check 3: the newest
        Assert.Equal(3, registry.Waiting);

        registry.Answer(1); // Next's own lookup answers first: its check (the draft at the click) is valid
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(30)), "Next refused a step whose draft was valid when it was pressed");
        Assert.Equal(WizardStep.Network, state.Step);

        registry.Answer(0);
        registry.Answer(2);
        await Task.WhenAll(typed, more).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("edge-01-b", state.Draft.Name);
        Assert.True(state.StepIsValid(WizardStep.Cluster)); // the newest check is the one shown
    }

    [Fact]
    public async Task Next_refuses_on_its_own_check_when_the_check_shown_is_an_older_valid_one()
    {
        var id = await SaveDraftAsync(ValidDraft(), WizardStep.Cluster);
        var state = Services.GetRequiredService<WizardState>();
        await state.LoadAsync(id);
        Assert.True(state.StepIsValid(WizardStep.Cluster));

        registry.Hold();
        registry.Taken = "edge-taken";
        var typed = state.ChangeAsync(nameof(ClusterDraft.Name), d => d.Name = "edge-taken");  // check 1
        var next = state.NextAsync();                                                          // check 2: the name is taken
        var more = state.ChangeAsync(nameof(ClusterDraft.PlannedNodes), d => d.PlannedNodes = "4"); // check 3: the newest
        Assert.Equal(3, registry.Waiting);

        registry.Answer(1); // Next's lookup: taken. The check shown is still the valid one from before the name was typed.
        Assert.False(await next.WaitAsync(TimeSpan.FromSeconds(30)), "Next passed a step whose name was taken when it was pressed");
        Assert.Equal(WizardStep.Cluster, state.Step);

        registry.Answer(0);
        registry.Answer(2);
        await Task.WhenAll(typed, more).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("edge-taken", state.ErrorFor(nameof(ClusterDraft.Name)));
    }

    /// <summary>No clusters; a name lookup waits, while held, until the test answers it (by the order it was asked in).</summary>
    private sealed class HeldRegistry : IClusterRegistry
    {
        private readonly List<(string Name, TaskCompletionSource<RegisteredCluster?> Answer)> asked = [];
        private bool held;

        /// <summary>A name the registry says is taken (by another cluster).</summary>
        public string? Taken { get; set; }

        public int Waiting { get { lock (asked) return asked.Count(a => !a.Answer.Task.IsCompleted); } }

        public void Hold() => held = true;

        public void Answer(int index)
        {
            (string Name, TaskCompletionSource<RegisteredCluster?> Answer) call;
            lock (asked) call = asked[index];
            call.Answer.SetResult(call.Name == Taken ? FakeClusterRegistry.Cluster(call.Name, "rack-a-vlan-120", "10.90.0.0/16", "10.91.0.0/16") : null);
        }

        public Task<IReadOnlyList<RegisteredCluster>> OnNetworkAsync(string provider, string l2Network, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<RegisteredCluster>>([]);

        public Task<RegisteredCluster?> FindByNameAsync(string name, CancellationToken cancellationToken = default)
        {
            if (!held) return Task.FromResult<RegisteredCluster?>(null);
            var answer = new TaskCompletionSource<RegisteredCluster?>();
            lock (asked) asked.Add((name, answer));
            return answer.Task;
        }
    }
}
