using Bunit;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Features.CreateCluster;
using Calico.Wizard.Provisioning;
using Calico.Wizard.Store;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Calico.Wizard.Tests;

/// <summary>
/// A bUnit context wired like the app: MudBlazor, the seed provider matrix, the rules and the real store on a
/// SQLite file of its own (deleted afterwards), migrated before each test.
/// </summary>
public abstract class WizardTestContext : BunitContext, IAsyncLifetime
{
    private readonly string dbPath = Path.Combine(Path.GetTempPath(), $"calico-wizard-tests-{Guid.NewGuid():N}.db");

    protected WizardTestContext() : this(ProviderMatrix.Seed) { }

    /// <param name="matrix">The provider matrix the server is configured with (the seed's unless a test says otherwise).</param>
    protected WizardTestContext(ProviderMatrix matrix)
    {
        Services.AddMudServices();
        Services.AddOptions();
        Services.AddLogging();
        Services.AddWizard(matrix);
        // Pooling off: no pooled connection keeps the file open once the test is over.
        Services.AddProvisioning($"Data Source={dbPath};Pooling=False");
        JSInterop.Mode = JSRuntimeMode.Loose;
        // A signed-in operator: the pages ask who acts (audit) and whether they may provision.
        Operator = AddAuthorization();
        Operator.SetAuthorized("ops@example.com");
        Operator.SetPolicies(Calico.Wizard.Features.Operations.SignIn.OperatorPolicy);
        Services.AddScoped<Calico.Wizard.Features.Operations.OperatorIdentity>();
        // Saves and checks are async: on a busy two-core machine 1 s (bUnit's default) is not always enough.
        DefaultWaitTimeout = TimeSpan.FromSeconds(30);
    }

    protected Bunit.TestDoubles.BunitAuthorizationContext Operator { get; }

    /// <summary>
    /// Puts the app on a <see cref="TestClock"/> (from a test class's constructor, before anything is resolved): the
    /// autosave window and the address map's pause then pass only when the test moves the clock on.
    /// </summary>
    protected TestClock UseTestClock()
    {
        var clock = new TestClock();
        Services.AddSingleton<TimeProvider>(clock);
        return clock;
    }

    protected ClusterRules Rules => Services.GetRequiredService<ClusterRules>();

    protected DraftStore Drafts => Services.GetRequiredService<DraftStore>();

    public async Task InitializeAsync()
    {
        var factory = Services.GetRequiredService<IDbContextFactory<WizardDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        await db.Database.MigrateAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var file in new[] { dbPath, dbPath + "-wal", dbPath + "-shm", dbPath + "-journal" })
            File.Delete(file);
    }

    /// <summary>A draft whose Cluster step passes, so the Network step opens on a draft a user could reach.</summary>
    protected static ClusterDraft ValidDraft(Action<ClusterDraft>? change = null) =>
        TestDrafts.Valid(d => d.L2Network = "rack-a-vlan-120", d => change?.Invoke(d));

    /// <summary>Saves the draft as if the operator had left it open on <paramref name="step"/>.</summary>
    protected async Task<Guid> SaveDraftAsync(ClusterDraft draft, WizardStep step)
    {
        await Drafts.SaveAsync(draft, (int)step);
        return draft.Id;
    }

    /// <summary>The route component, as the router renders it for /wizard/{id}.</summary>
    protected async Task<IRenderedComponent<WizardPage>> RenderWizardAsync(ClusterDraft draft, WizardStep step)
    {
        var id = await SaveDraftAsync(draft, step);
        var cut = Render<WizardPage>(p => p.Add(w => w.DraftId, id));
        cut.WaitForElement(WizardDom.By($"step-{step.ToString().ToLowerInvariant()}"));
        return cut;
    }

    /// <summary>A new wizard (/wizard/{new id}) after the operator typed a name and a network and pressed Next.</summary>
    protected async Task<IRenderedComponent<WizardPage>> PassClusterStepAsync(Guid id, string name, string network)
    {
        var cut = Render<WizardPage>(p => p.Add(w => w.DraftId, id));
        cut.WaitForElement(WizardDom.By("step-cluster"));
        await cut.TypeAsync("cluster-name", name);
        await cut.TypeAsync("l2-network", network);
        await cut.ClickAsync("next");
        cut.WaitForElement(WizardDom.By("step-network"));
        return cut;
    }

    /// <summary>A fresh state loaded from the store, as a new circuit (a reload) would build it.</summary>
    protected async Task<WizardState> LoadStateAsync(Guid draftId)
    {
        var state = Services.CreateScope().ServiceProvider.GetRequiredService<WizardState>(); // its own, as each circuit has
        Assert.Null(await state.LoadAsync(draftId));
        return state;
    }

    /// <summary>
    /// The stored draft once it satisfies <paramref name="saved"/>: writes are coalesced (one per autosave window), so
    /// a change reaches the store within that window, not with the keystroke. On a <see cref="TestClock"/> each look
    /// lets a window pass on it.
    /// </summary>
    protected async Task<WizardState> SavedStateAsync(Guid draftId, Func<ClusterDraft, bool> saved)
    {
        var deadline = DateTime.UtcNow + DefaultWaitTimeout;
        var clock = Services.GetRequiredService<TimeProvider>() as TestClock;
        while (true)
        {
            if (await Drafts.LoadAsync(draftId) is { } stored && saved(stored.Draft)) return await LoadStateAsync(draftId);
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"draft {draftId} was not saved as expected within {DefaultWaitTimeout}");
            clock?.Advance(Services.GetRequiredService<DraftAutosave>().Delay);
            await Task.Delay(20);
        }
    }

    /// <summary>A step component alone, inside the cascading state WizardPage gives it.</summary>
    protected IRenderedComponent<TStep> RenderStep<TStep>(WizardState state) where TStep : IComponent =>
        Render<TStep>(builder =>
        {
            builder.OpenComponent<CascadingValue<WizardState>>(0);
            builder.AddComponentParameter(1, nameof(CascadingValue<WizardState>.Value), state);
            builder.AddComponentParameter(2, nameof(CascadingValue<WizardState>.ChildContent), (RenderFragment)(b =>
            {
                b.OpenComponent<TStep>(0);
                b.CloseComponent();
            }));
            builder.CloseComponent();
        });
}
