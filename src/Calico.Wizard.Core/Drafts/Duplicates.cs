using System.Globalization;
using System.Text.RegularExpressions;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Resources;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Core.Drafts;

/// <summary>
/// A new draft from a good cluster: the same settings and policies, the next free name and free ranges of the same
/// sizes on the same network. Nothing is submitted: the operator reviews it like any draft.
/// </summary>
public static partial class Duplicates
{
    [GeneratedRegex(@"^(?<stem>.*?)(?<digits>[0-9]+)$")]
    private static partial Regex TrailingNumber();

    /// <summary>How many names are tried before giving up (and leaving the name to the operator).</summary>
    public const int MaxNameTries = 1000;

    public static async Task<(ClusterDraft Draft, IReadOnlyList<(string Field, Suggestion Suggestion)> Suggested)> CreateAsync(
        ClusterSpec source, Guid draftId, string target, IClusterRegistry registry, RangeSuggester planner, CancellationToken cancellationToken = default)
    {
        var draft = source.ToDraft();
        draft.Id = draftId;
        draft.Target = target;
        draft.Name = await NextFreeNameAsync(source.Name, registry, cancellationToken) ?? "";
        var suggested = new List<(string, Suggestion)>();
        foreach (var (field, kind, family) in RangeSuggester.RangeFields(draft))
        {
            var original = StrictCidr.Parse(DraftFields.Get(draft, field), family);
            if (!original.Ok) continue;
            var what = RangeSuggester.WhatOf(draft, kind, family);
            var suggestion = await planner.SuggestAsync(new SuggestRequest(draft.Provider, draft.L2Network, kind, family, source.PlannedNodes, null,
                RangeSuggester.AvoidFor(draft, field), original.Value!.PrefixLength,
                Text.Format(Messages.DuplicateRangeSize, source.Name, UsedRange.Words(what))), cancellationToken);
            if (suggestion.Cidr is { } cidr) DraftFields.Set(draft, field, cidr.ToString());
            suggested.Add((field, suggestion));
        }
        return (draft, suggested);
    }

    /// <summary>The first free name after <paramref name="name"/>, or null when none of the next <see cref="MaxNameTries"/> is free.</summary>
    public static async Task<string?> NextFreeNameAsync(string name, IClusterRegistry registry, CancellationToken cancellationToken = default)
    {
        foreach (var candidate in NameCandidates(name).Take(MaxNameTries))
            if (await registry.FindByNameAsync(candidate, cancellationToken) is null) return candidate;
        return null;
    }

    /// <summary>
    /// edge-01 → edge-02, edge-03, …; edge-9 → edge-10; edge → edge-2, edge-3, …. The digits keep their width (zero
    /// padding), and a name never grows past a DNS label's 63 characters (the stem is shortened instead).
    /// </summary>
    public static IEnumerable<string> NameCandidates(string name)
    {
        var match = TrailingNumber().Match(name);
        var (stem, width, next) = match.Success && match.Groups["digits"].Value.Length <= 9
            ? (match.Groups["stem"].Value, match.Groups["digits"].Value.Length, long.Parse(match.Groups["digits"].Value, CultureInfo.InvariantCulture) + 1)
            : (name + "-", 1, 2L);
        for (var n = next; ; n++)
        {
            var digits = n.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
            yield return (stem.Length + digits.Length > HostName.MaxLabel ? stem[..(HostName.MaxLabel - digits.Length)] : stem) + digits;
        }
    }
}
