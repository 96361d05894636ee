using System.Collections.Concurrent;
using System.Globalization;
using Calico.Wizard.Core.Drafts;

namespace Calico.Wizard.Core.Policies;

/// <summary>One policy's text as the rules read it: parsed, and what the rules found in it on their own.</summary>
public sealed class PolicyReading
{
    private PolicyReading(ParsedPolicy parsed, IReadOnlyList<PolicyFinding> errors, IReadOnlyList<PolicyFinding> hints, string culture) =>
        (Parsed, Errors, Hints, Culture) = (parsed, errors, hints, culture);

    public ParsedPolicy Parsed { get; }

    /// <summary><see cref="NetworkPolicyRules.Errors"/> of the policy (none when it does not parse: the YAML error says why).</summary>
    public IReadOnlyList<PolicyFinding> Errors { get; }

    /// <summary><see cref="NetworkPolicyRules.Hints"/> of the policy.</summary>
    public IReadOnlyList<PolicyFinding> Hints { get; }

    /// <summary>The UI language its messages are written in.</summary>
    public string Culture { get; }

    public static PolicyReading Of(string? yaml)
    {
        var parsed = PolicyText.Parse(yaml);
        return parsed.Policy is { } policy
            ? new(parsed, NetworkPolicyRules.Errors(policy), NetworkPolicyRules.Hints(policy), CultureInfo.CurrentUICulture.Name)
            : new(parsed, [], [], CultureInfo.CurrentUICulture.Name);
    }
}

/// <summary>
/// A wizard's policies, read once per text: a keystroke in one policy parses and checks that policy, not all of
/// them, and the editors draw from the same readings instead of parsing on every render. What it holds is only
/// ever read (an editor's change parses a copy of its own), and only the texts of the draft's current policies
/// are kept (<see cref="Retain"/>). Safe to use from concurrent checks.
/// </summary>
public sealed class PolicyMemo
{
    private readonly ConcurrentDictionary<string, PolicyReading> readings = new(StringComparer.Ordinal);

    public int Count => readings.Count;

    public PolicyReading Read(string? yaml)
    {
        if (yaml is null) return PolicyReading.Of(null);
        var culture = CultureInfo.CurrentUICulture.Name;
        var reading = readings.GetOrAdd(yaml, PolicyReading.Of);
        if (reading.Culture == culture) return reading;
        reading = PolicyReading.Of(yaml); // the operator switched language: messages in the new one
        readings[yaml] = reading;
        return reading;
    }

    /// <summary>The reading of a text already read, or null: never reads (what the renderer asks of the check's memo).</summary>
    public PolicyReading? Known(string yaml) => readings.GetValueOrDefault(yaml);

    /// <summary>Forgets every text that is not one of <paramref name="draft"/>'s policies now.</summary>
    public void Retain(ClusterDraft draft)
    {
        if (readings.Count <= draft.NetworkPolicies.Count) return;
        var current = draft.NetworkPolicies.ToHashSet(StringComparer.Ordinal);
        foreach (var text in readings.Keys)
            if (!current.Contains(text)) readings.TryRemove(text, out _);
    }
}
