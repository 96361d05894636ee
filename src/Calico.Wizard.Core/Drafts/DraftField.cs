using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.Json;
using Calico.Wizard.Core.Resources;
using Calico.Wizard.Core.Rules;

namespace Calico.Wizard.Core.Drafts;

/// <summary>How the wizard asks for a field: what the headless robot and the generic controls do with it.</summary>
public enum FieldControl
{
    /// <summary>A text field (numbers and ranges are typed text too: "26.5" is refused with a message, not lost).</summary>
    Text,
    /// <summary>A range: a text field with a Suggest button; <c>suggest</c> in a spec presses it.</summary>
    Range,
    Switch,
    /// <summary>Radio buttons, one per value; the option's test id comes from <see cref="DraftField.OptionId"/>.</summary>
    Choice,
    /// <summary>Opens or closes a part of the step (Advanced): the operator's layout.</summary>
    Disclosure,
    /// <summary>The Policies step's list.</summary>
    Policies,
}

/// <summary>Which family's values a field holds.</summary>
public enum FieldFamily
{
    /// <summary>The stack's own family (IPv4, or IPv6 on an IPv6-only cluster).</summary>
    Stack,
    /// <summary>Dual-stack's IPv6 values beside the IPv4 ones: used only on a dual-stack cluster.</summary>
    DualStackIPv6,
}

/// <summary>Where a field's value goes once the rules pass.</summary>
public enum FieldUse
{
    /// <summary>Part of the cluster: into <see cref="ClusterSpec"/> and from there into the rendered objects.</summary>
    Cluster,
    /// <summary>Only a rule reads it (the node network's MTU checks the pod MTU); not part of the cluster.</summary>
    Check,
    /// <summary>Where the cluster is deployed, not what it is.</summary>
    Deploy,
    /// <summary>The operator's layout (Advanced open), kept with the draft.</summary>
    Layout,
}

/// <summary>
/// One field of the draft, described once: the property it reads and writes, its spec/API key (old keys kept as
/// aliases), how the wizard asks for it, its label and help, the step, when it applies, its bounds, its Review row,
/// and how it reaches the spec the provisioner receives. The spec file, the API's JSON, the OpenAPI schema, the
/// headless robot, Review, the "which keys apply" warning and the draft ↔ spec mapping all read this.
/// </summary>
/// <param name="LabelName">The name of the label's resource in <see cref="Messages"/>: the map is static, so it holds the name, not the text.</param>
public sealed record DraftField(string Property, string LabelName, WizardStep Step)
{
    /// <summary>A number, a choice's name: what a text field that is not free text may hold.</summary>
    public const int Short = 64;

    private readonly PropertyInfo property = typeof(ClusterDraft).GetProperty(Property)
        ?? throw new ArgumentException($"{Property} is not a property of the draft.", nameof(Property));

    /// <summary>The label in the current UI language ("Cluster name", "Clustername"), read on each use.</summary>
    public string Label => Text.Get(LabelName);

    /// <summary>The spec file's and the API's name for the field.</summary>
    public string Key { get; } = JsonNamingPolicy.CamelCase.ConvertName(Property);

    /// <summary>Keys earlier releases wrote: still read, never written.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    public FieldControl Control { get; init; } = FieldControl.Text;

    /// <summary>The control's <c>data-testid</c> (docs/automation.md); for a choice, the group's.</summary>
    public string TestId { get; init; } = "";

    /// <summary>A choice's option test id for a value (<c>backend-calico</c>).</summary>
    public Func<string, string>? OptionId { get; init; }

    /// <summary>The test id of the text that says why a control or option is not offered.</summary>
    public string? NoteId { get; init; }

    /// <summary>The Network step's fieldset that draws this field's control from this description (null: the fieldset's own markup does).</summary>
    public string? Fieldset { get; init; }

    /// <summary>The help text's resource name in <see cref="Messages"/>, for fields whose control is drawn from this description.</summary>
    public string? HelpName { get; init; }

    /// <summary>Whether a value is set under the Network step's Advanced part (null: never; dual-stack is, IPv4 is not).</summary>
    public Func<object?, bool>? Advanced { get; init; }

    /// <summary>A Calico setting: it does not apply to Flannel.</summary>
    public bool CalicoOnly { get; init; }

    public FieldFamily Family { get; init; }

    public FieldUse Use { get; init; } = FieldUse.Cluster;

    /// <summary>The most characters a text field takes before any rule parses it.</summary>
    public int MaxLength { get; init; } = Short;

    /// <summary>Review's row (null: no row of its own).</summary>
    public Func<ClusterDraft, string?>? Show { get; init; }

    /// <summary>A further condition for the field to apply, with the resource name of the reason it does not.</summary>
    public (Func<ClusterDraft, bool> When, string ReasonName)? AppliesWhen { get; init; }

    /// <summary>Setting the field has consequences (a provider brings its defaults): how a spec's value is laid on a draft.</summary>
    public Action<ClusterDraft, object, Providers.ProviderMatrix>? Change { get; init; }

    /// <summary>A draft or spec written before this field existed: the field takes this other field's value, as it then did.</summary>
    public string? FollowsWhenAbsent { get; init; }

    /// <summary>A switch the seed locks off in some states (NAT Outgoing with encapsulation Never).</summary>
    public Func<ClusterDraft, bool>? LockedOff { get; init; }

    /// <summary>The value <see cref="ClusterSpec"/> holds (a parsed CIDR, a number); null leaves it out. Default: the value as it is.</summary>
    public Func<ClusterDraft, object?>? ToSpec { get; init; }

    /// <summary>The draft's value from a spec (null: the draft's default).</summary>
    public Func<ClusterSpec, object?>? FromSpec { get; init; }

    /// <summary>What the field writes into the rendered Installation's calicoNetwork, if the renderer does not write it.</summary>
    public Action<CalicoOptions, Rendering.CalicoNetworkSpec>? Render { get; init; }

    /// <summary>The help text in the current UI language, or null.</summary>
    public string? Help => HelpName is null ? null : Text.Get(HelpName);

    public Type Type => property.PropertyType;

    public object? Get(ClusterDraft draft) => property.GetValue(draft);

    public void Set(ClusterDraft draft, object? value) => property.SetValue(draft, value);

    /// <summary>A spec's value laid on a draft as typing it would (a provider's consequences included).</summary>
    public void Apply(ClusterDraft draft, object value, Providers.ProviderMatrix matrix)
    {
        if (Change is { } change) change(draft, value, matrix);
        else Set(draft, value);
    }

    /// <summary>The value as the spec file writes it (enums by name); null: left out.</summary>
    public object? Written(ClusterDraft draft) => Get(draft) switch
    {
        string { Length: 0 } => null,
        List<string> { Count: 0 } => null,
        Enum e => e.ToString(),
        var v => v,
    };

    /// <summary>A value read from a spec file or JSON scalar, in the property's type; or why it is not one.</summary>
    public (object? Value, string? Error) Parse(string text)
    {
        if (Type == typeof(string)) return (text, null);
        if (Type == typeof(bool))
            return bool.TryParse(text, out var b) ? (b, null) : (null, Text.Format(Messages.YamlNotBoolean, text));
        if (Type.IsEnum)
            return Enum.GetNames(Type).FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)) is { } name
                ? (Enum.Parse(Type, name), null)
                : (null, Text.Format(Messages.YamlUnknownValue, text));
        return (null, Text.Format(Messages.YamlWrongShape, Messages.ShapeTextList));
    }

    /// <summary>The value the spec holds for this field (see <see cref="ToSpec"/>).</summary>
    public object? SpecValue(ClusterDraft draft) => ToSpec is { } to ? to(draft) : Get(draft);

    /// <summary>
    /// The draft's value of a spec's: <see cref="FromSpec"/>, or the spec's (or its Calico options') property of the
    /// same name; numbers and ranges back to their text, lists to the draft's list or comma-separated text. Null: the
    /// spec holds none (a Flannel spec's Calico settings), and the draft keeps its default.
    /// </summary>
    public object? DraftValue(ClusterSpec spec) => (FromSpec is { } from ? from(spec) : ByName(spec)) switch
    {
        null => null,
        int n => n.ToString(CultureInfo.InvariantCulture),
        IPNetwork n => n.ToString(),
        IEnumerable<string> list when Type == typeof(string) => string.Join(",", list),
        IEnumerable<string> list => list.ToList(),
        var v => v,
    };

    private object? ByName(ClusterSpec spec) =>
        typeof(ClusterSpec).GetProperty(Property)?.GetValue(spec)
            ?? (spec.Calico is { } calico ? typeof(CalicoOptions).GetProperty(Property)?.GetValue(calico) : null);
}
