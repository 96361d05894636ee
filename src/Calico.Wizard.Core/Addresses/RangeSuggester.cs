using System.Net;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Resources;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Core.Addresses;

/// <summary>What to suggest a range for: the network, the plan's inputs, and ranges to keep clear of.</summary>
/// <param name="Prefix">A fixed size instead of the plan's (a duplicate keeps its original's sizes), with <paramref name="PrefixWhy"/>.</param>
public sealed record SuggestRequest(string Provider, string Network, RangeKind Kind, NetworkStack Family, int PlannedNodes, int? BlockSize,
    IReadOnlyList<IPNetwork> Avoid, int? Prefix = null, string? PrefixWhy = null);

/// <summary>
/// Suggests free ranges on an L2 network: the wizard's Suggest buttons, the API's <c>/free</c>, a spec file's
/// <c>suggest</c> and a duplicated cluster all ask here. The registry's cached usage is only a starting point: every
/// answer is checked with the registry's exact overlap query before it is given, so a cluster submitted a moment
/// ago (by another replica) is never suggested.
/// </summary>
public sealed class RangeSuggester(ProviderMatrix matrix, IClusterRegistry registry, PlanningOptions options)
{
    /// <summary>What a spec file or API draft writes instead of a CIDR to have one suggested at submit.</summary>
    public const string SuggestWord = "suggest";

    public PlanningOptions Options => options;

    public async Task<Suggestion> SuggestAsync(SuggestRequest request, CancellationToken cancellationToken = default)
    {
        if (matrix.Find(request.Provider) is not { } provider)
            return new(null, Text.Format(Messages.SuggestChooseProvider, string.Join(", ", matrix.Providers.Select(p => p.Name))));
        var network = (request.Network ?? "").Trim();
        if (network.Length == 0 || !matrix.IsNetworkName(provider, network))
            return new(null, Text.Format(Messages.SuggestEnterNetwork, provider.NetworkLabel, provider.NetworkExample));
        var plan = FreeRangeSearch.Plan(request.Kind, request.Family, request.PlannedNodes, request.BlockSize, options);
        if (request.Prefix is { } fixedPrefix) plan = plan with { Prefix = fixedPrefix, Why = request.PrefixWhy ?? plan.Why };
        var usage = await registry.UsageAsync(provider.Name, network, cancellationToken);
        var avoid = request.Avoid.ToList();
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var suggestion = FreeRangeSearch.Suggest(plan, matrix.AddressSpacesOf(provider), network, usage, avoid);
            if (suggestion.Cidr is not { } cidr) return suggestion;
            var taken = await registry.OverlappingAsync(provider.Name, network, cidr, cancellationToken);
            if (taken.Count == 0) return suggestion;
            avoid.AddRange(taken.SelectMany(c => c.Ranges.Select(r => r.Cidr))); // registered since the usage was read
        }
        return new(null, Messages.SuggestTooBusy);
    }

    /// <summary>A free range for one of the draft's range fields, sized by its plan and clear of its other ranges and node network.</summary>
    public async Task<Suggestion> SuggestAsync(ClusterDraft draft, RangeKind kind, NetworkStack family, CancellationToken cancellationToken = default)
    {
        var nodes = WholeNumber.Parse(draft.PlannedNodes, 1, ClusterDraftValidator.MaxNodes, Messages.UnitNodes);
        if (!nodes.Ok) return new(null, Text.Format(Messages.SuggestEnterNodes, nodes.Error));
        int? block = null;
        if (draft.Backend == NetworkBackend.Calico && kind == RangeKind.Containers)
        {
            var (min, max) = BlockCapacity.Range(family);
            var parsed = WholeNumber.Parse(BlockSizeOf(draft, family), min, max, "");
            if (!parsed.Ok) return new(null, Text.Format(Messages.SuggestEnterBlockSize, min, max));
            block = parsed.Value;
        }
        var field = FieldOf(draft, kind, family);
        return await SuggestAsync(
            new SuggestRequest(draft.Provider, draft.L2Network, kind, family, nodes.Value, block, AvoidFor(draft, field)), cancellationToken);
    }

    /// <summary>
    /// Replaces every range field that says <c>suggest</c> with a suggested range (containers before services, so each
    /// avoids the other). A field nothing fits keeps its word and comes back with the reason.
    /// </summary>
    public async Task<IReadOnlyList<(string Field, Suggestion Suggestion)>> ResolveAsync(ClusterDraft draft, CancellationToken cancellationToken = default)
    {
        var resolved = new List<(string, Suggestion)>();
        foreach (var (field, kind, family) in RangeFields(draft))
        {
            if (!IsSuggestWord(DraftFields.Get(draft, field))) continue;
            var suggestion = await SuggestAsync(draft, kind, family, cancellationToken);
            if (suggestion.Cidr is { } cidr) DraftFields.Set(draft, field, cidr.ToString());
            resolved.Add((field, suggestion));
        }
        return resolved;
    }

    public static bool IsSuggestWord(string? text) => string.Equals(text?.Trim(), SuggestWord, StringComparison.OrdinalIgnoreCase);

    /// <summary>The draft's range fields with their kind and family: two, or four on dual-stack.</summary>
    public static IEnumerable<(string Field, RangeKind Kind, NetworkStack Family)> RangeFields(ClusterDraft draft)
    {
        var primary = draft.NetworkStack == NetworkStack.IPv6 ? NetworkStack.IPv6 : NetworkStack.IPv4;
        yield return (nameof(ClusterDraft.ContainersCidr), RangeKind.Containers, primary);
        yield return (nameof(ClusterDraft.ServicesCidr), RangeKind.Services, primary);
        if (!draft.IsDualStack) yield break;
        yield return (nameof(ClusterDraft.ContainersCidrV6), RangeKind.Containers, NetworkStack.IPv6);
        yield return (nameof(ClusterDraft.ServicesCidrV6), RangeKind.Services, NetworkStack.IPv6);
    }

    /// <summary>
    /// What a range of the draft is: "containers", "services", "IPv6 containers" on dual-stack — a <see cref="UsedRange"/> word
    /// (data the address map keeps), said in the UI language by <see cref="UsedRange.Words"/>.
    /// </summary>
    public static string WhatOf(ClusterDraft draft, RangeKind kind, NetworkStack family) => (draft.IsDualStack && family == NetworkStack.IPv6, kind) switch
    {
        (true, RangeKind.Containers) => UsedRange.ContainersIPv6,
        (true, _) => UsedRange.ServicesIPv6,
        (false, RangeKind.Containers) => UsedRange.Containers,
        _ => UsedRange.Services,
    };

    public static string FieldOf(ClusterDraft draft, RangeKind kind, NetworkStack family) =>
        RangeFields(draft).FirstOrDefault(f => f.Kind == kind && f.Family == family).Field
            ?? throw new ArgumentException($"A {draft.NetworkStack} draft has no {family} {kind} field.");

    /// <summary>The draft's other ranges and node networks, as far as they parse: a suggestion for <paramref name="field"/> keeps clear of them.</summary>
    public static IReadOnlyList<IPNetwork> AvoidFor(ClusterDraft draft, string? field)
    {
        var avoid = new List<IPNetwork>(NodeNetworkRule.Parse(draft.NodeNetworks, draft.NetworkStack).Networks ?? []);
        foreach (var (other, _, family) in RangeFields(draft))
            if (other != field && StrictCidr.Parse(DraftFields.Get(draft, other), family) is { Ok: true } parsed) avoid.Add(parsed.Value!);
        return avoid;
    }

    private static string BlockSizeOf(ClusterDraft draft, NetworkStack family) =>
        draft.IsDualStack && family == NetworkStack.IPv6 ? draft.BlockSizeV6 : draft.BlockSize;
}
