using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Store;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Features.CreateCluster;

/// <summary>
/// One operator's wizard (scoped: one per circuit, i.e. per tab): the draft, what the rules say about it, which step
/// is open. Every change is checked against every rule and saved, so the messages are always current and nothing is
/// lost to a reload. Loading another draft starts afresh.
/// </summary>
public sealed class WizardState(ClusterRules rules, DraftStore store, AuditLog audit, Operations.OperatorIdentity operatorIdentity,
    RangeSuggester planner, IClusterRegistry registry, ClusterQueries clusters, DraftAutosave autosave) : IAsyncDisposable
{
    private readonly RegistryMemo memo = new(registry);
    private readonly Core.Policies.PolicyMemo policies = new();
    private bool dirty;
    private Task? pendingSave;
    private readonly Dictionary<string, SuggestionNote> notes = [];
    private NetworkUsage usage = NetworkUsage.Empty;
    private (NetworkUsage, string)? mapKey;
    private AddressMapView? map;

    private bool stored;
    private string actor = Actor.Anonymous;
    private readonly SemaphoreSlim saving = new(1, 1);
    private readonly HashSet<string> touched = [];
    private readonly HashSet<WizardStep> attempted = [];
    private int version;

    public ClusterDraft Draft { get; private set; } = new();
    public WizardStep Step { get; private set; } = WizardStep.Cluster;
    public DraftCheck Check { get; private set; } = new([]);
    public ProviderMatrix Matrix => rules.Matrix;

    /// <summary>Set when the draft asked for is another operator's (with sign-in on): it is neither shown nor changed.</summary>
    public string? BelongsTo { get; private set; }

    /// <summary>How many saves have completed in this circuit, and when the last did: what "Draft saved" shows.</summary>
    public int SavedVersion { get; private set; }
    public DateTime? SavedAt { get; private set; }
    public ProviderOption? Provider => rules.Matrix.Find(Draft.Provider);
    public BlockCapacity? Capacity => ClusterRules.CapacityOf(Draft);

    /// <summary>Raised after each change has been checked, so every step re-renders with current messages.</summary>
    public event Action? Changed;

    /// <summary>Raised after the draft was written: only "Draft saved" shows it, so the steps are not drawn again.</summary>
    public event Action? Saved;

    /// <summary>
    /// Opens a draft: the stored one, or a new one (with <paramref name="prefill"/> laid over PMK's defaults) that is
    /// stored on its first change.
    /// </summary>
    /// <returns>The cluster id when this draft was already submitted.</returns>
    /// <param name="duplicateOf">A cluster whose settings a new draft starts from (a new name and free ranges suggested).</param>
    public async Task<Guid?> LoadAsync(Guid draftId, DraftFile.Spec? prefill = null, Guid? duplicateOf = null)
    {
        var saved = await store.LoadAsync(draftId);
        actor = await operatorIdentity.NameAsync(); // once per circuit's draft, not on every keystroke's save
        BelongsTo = saved is not null && !saved.BelongsTo(actor) ? saved.Owner : null;
        if (BelongsTo is not null) return null;
        if (saved?.ClusterId is { } clusterId) return clusterId;
        touched.Clear();
        attempted.Clear();
        notes.Clear();
        memo.Clear();
        DuplicatedFrom = null;
        stored = saved is not null;
        Draft = saved?.Draft ?? new ClusterDraft { Id = draftId };
        if (saved is null && duplicateOf is { } sourceId && await clusters.GetAsync(sourceId) is { } source)
        {
            var (copy, suggested) = await Duplicates.CreateAsync(source.Spec, draftId, source.Job?.Target ?? "", registry, planner);
            Draft = copy;
            foreach (var (field, suggestion) in suggested) notes[field] = new SuggestionNote(suggestion.Reason, suggestion.Found);
            DuplicatedFrom = source.Name;
        }
        if (saved is null && prefill is not null)
        {
            DraftFile.Apply(prefill, Draft, rules.Matrix);
            await ResolveSuggestWordsAsync();
        }
        DraftFields.ApplyLocks(Draft); // a draft saved before the seed's rule, or edited elsewhere
        Step = saved is null ? WizardStep.Cluster : (WizardStep)Math.Clamp(saved.Step, 0, (int)WizardStep.Review);
        Check = await rules.CheckAsync(Draft, memo, policies);
        if (saved is not null) for (var s = WizardStep.Cluster; s < Step; s++) attempted.Add(s); // a resumed draft shows what is still wrong behind it
        return null;
    }

    /// <summary>The cluster this draft was duplicated from, while it is a new draft.</summary>
    public string? DuplicatedFrom { get; private set; }

    /// <summary>Applies one change (a keystroke, a click), checks every rule and saves the draft.</summary>
    public async Task ChangeAsync(string property, Action<ClusterDraft> change)
    {
        change(Draft);
        touched.Add(property);
        notes.Remove(property); // a suggestion's explanation no longer describes what was typed over it
        await RecheckAsync();
        ScheduleSave();
    }

    /// <summary>The message shown under a field: an empty field stays quiet until it is touched or Next is tried.</summary>
    public string? ErrorFor(string property)
    {
        var message = Check.FirstErrorFor(property);
        if (message is null) return null;
        var step = DraftFields.StepOf(property);
        return touched.Contains(property) || attempted.Contains(step) || !IsEmpty(property) ? message : null;
    }

    public bool StepIsValid(WizardStep step) => Check.StepIsValid(step);

    /// <summary>A spec or the parent page's prefill: applied like typing, with <c>suggest</c> resolved to free ranges.</summary>
    public async Task PrefillAsync(DraftFile.Spec spec)
    {
        DraftFile.Apply(spec, Draft, rules.Matrix);
        touched.Add("Prefill");
        await ResolveSuggestWordsAsync();
        await RecheckAsync();
        ScheduleSave();
    }

    /// <summary>What Suggest said for a range field: the range's explanation, or why nothing fits.</summary>
    public SuggestionNote? NoteFor(string property) => notes.GetValueOrDefault(property);

    /// <summary>Fills a range field with the smallest free range that fits the plan, and says why.</summary>
    public async Task SuggestAsync(string property)
    {
        var (_, kind, family) = RangeSuggester.RangeFields(Draft).First(f => f.Field == property);
        var suggestion = await planner.SuggestAsync(Draft.Clone(), kind, family);
        if (suggestion.Cidr is { } cidr) await ChangeAsync(property, d => DraftFields.Set(d, property, cidr.ToString()));
        notes[property] = new SuggestionNote(suggestion.Reason, suggestion.Found);
        await LoadUsageAsync(); // the registry may have moved since the map was drawn
        Changed?.Invoke();
    }

    /// <summary>Reads what is registered on the draft's network (cached by the registry), for the map and Suggest.</summary>
    public async Task LoadUsageAsync()
    {
        var network = Draft.L2Network.Trim();
        usage = Provider is { } p && network.Length > 0 && rules.Matrix.IsNetworkName(p, network)
            ? await registry.UsageAsync(p.Name, network)
            : NetworkUsage.Empty;
    }

    /// <summary>
    /// The address map of the draft's network with the draft's ranges on it, redrawn only when the registry's answer or
    /// a range the picture shows changed (not on every keystroke elsewhere).
    /// </summary>
    public AddressMapView? Map
    {
        get
        {
            if (Provider is not { } p || Draft.L2Network.Trim().Length == 0) return null;
            // The key is the text the picture is drawn from: nothing is parsed unless it changed (this runs on every render).
            var fields = RangeSuggester.RangeFields(Draft).ToArray();
            var key = string.Join("\n", fields.Select(f => DraftFields.Get(Draft, f.Field))
                .Append(Draft.NodeNetworks).Append(Draft.NetworkStack.ToString()).Append(p.Name).Append(Draft.L2Network.Trim()));
            if (mapKey is not { } k || !ReferenceEquals(k.Item1, usage) || k.Item2 != key)
            {
                var mine = fields
                    .Select(f => (f, parsed: StrictCidr.Parse(DraftFields.Get(Draft, f.Field), f.Family)))
                    .Where(x => x.parsed.Ok)
                    .Select(x => new UsedRange(x.parsed.Value!, "this draft", RangeSuggester.WhatOf(Draft, x.f.Kind, x.f.Family)))
                    .ToArray();
                map = AddressMap.Build(Draft.L2Network.Trim(), rules.Matrix.AddressSpacesOf(p), usage, mine,
                    NodeNetworkRule.Parse(Draft.NodeNetworks, Draft.NetworkStack).Networks);
                mapKey = (usage, key);
            }
            return map;
        }
    }

    private async Task ResolveSuggestWordsAsync()
    {
        foreach (var (field, suggestion) in await planner.ResolveAsync(Draft))
            notes[field] = new SuggestionNote(suggestion.Reason, suggestion.Found);
    }

    /// <summary>Next is refused while the open step breaks a rule; every message of the step is then shown.</summary>
    public async Task<bool> NextAsync()
    {
        attempted.Add(Step);
        memo.Clear(); // a step is passed on the registry's answers of now, not of the last keystroke that asked
        // Judged by the check of the draft as it is now, even when a keystroke's newer check replaces it as the one
        // shown: otherwise Next would be judged by whatever check was current, maybe one from before the last key.
        var check = await RecheckAsync();
        if (!check.StepIsValid(Step)) { Changed?.Invoke(); return false; }
        Step = Step + 1;
        await FlushAsync(force: true);
        Changed?.Invoke();
        return true;
    }

    public async Task GoToAsync(WizardStep step)
    {
        if (step > Step) return; // forward only through Next, so no rule is skipped
        Step = step;
        await FlushAsync(force: true);
        Changed?.Invoke();
    }

    /// <summary>Policy <paramref name="index"/> as the rules read it: parsed once per text, not on every render of its editor.</summary>
    public Core.Policies.ParsedPolicy Policy(int index) => policies.Read(Draft.NetworkPolicies[index]).Parsed;

    public IEnumerable<string> PolicyErrors(int index) =>
        Check.Errors.Where(e => e.PropertyName == $"{nameof(ClusterDraft.NetworkPolicies)}[{index}]").Select(e => e.ErrorMessage);

    public IEnumerable<string> PolicyHints(int index) =>
        Check.Warnings.Where(e => e.PropertyName == $"{nameof(ClusterDraft.NetworkPolicies)}[{index}]").Select(e => e.ErrorMessage);

    /// <returns>The check of the draft as it was when called (shown unless a newer change's check started meanwhile).</returns>
    private async Task<DraftCheck> RecheckAsync()
    {
        var mine = Interlocked.Increment(ref version);
        var check = await rules.CheckAsync(Draft.Clone(), memo, policies);
        policies.Retain(Draft); // the texts of the draft's policies now; an edited one's old text is let go
        if (mine != Volatile.Read(ref version)) return check; // a newer keystroke's check is the one to show
        Check = check;
        Changed?.Invoke();
        return check;
    }

    /// <summary>Marks the draft changed and writes it once the autosave window has passed (the newest state then).</summary>
    private void ScheduleSave()
    {
        dirty = true;
        autosave.Track(this);
        if (autosave.Delay <= TimeSpan.Zero) { pendingSave = FlushAsync(); return; }
        pendingSave ??= SaveLaterAsync();
    }

    private async Task SaveLaterAsync()
    {
        try
        {
            await autosave.WindowAsync();
            await FlushAsync();
        }
        finally { pendingSave = null; }
    }

    /// <summary>Writes the draft now if it has unsaved changes (or always, with <paramref name="force"/>: a step change).</summary>
    public async Task FlushAsync(bool force = false)
    {
        if (!dirty && !force) return;
        dirty = false;
        autosave.Forget(this);
        await SaveAsync();
    }

    /// <summary>The circuit closed (tab closed, navigated away, evicted): nothing typed is left unwritten.</summary>
    public async ValueTask DisposeAsync()
    {
        autosave.Forget(this);
        if (dirty && BelongsTo is null) await FlushAsync();
    }

    private async Task SaveAsync()
    {
        await saving.WaitAsync();
        try
        {
            await store.SaveAsync(Draft.Clone(), (int)Step, owner: actor);
            if (!stored)
            {
                stored = true;
                await audit.RecordAsync(actor, AuditAction.DraftCreated, draftId: Draft.Id);
            }
            SavedVersion++;
            SavedAt = autosave.Now;
        }
        finally { saving.Release(); }
        Saved?.Invoke();
    }

    private bool IsEmpty(string property) => property switch
    {
        nameof(ClusterDraft.Name) => Draft.Name.Length == 0,
        nameof(ClusterDraft.L2Network) => Draft.L2Network.Length == 0,
        nameof(ClusterDraft.NodeAddressDetectionValue) => Draft.NodeAddressDetectionValue.Length == 0,
        _ => false,
    };
}

/// <summary>What Suggest said under a range field.</summary>
public sealed record SuggestionNote(string Text, bool Found);
