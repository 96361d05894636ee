using Calico.Wizard.Core.Resources;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Calico.Wizard.Core.Drafts;

/// <summary>
/// The cluster spec file: what Review's "Download spec" writes and what the headless command and embed prefill
/// read. It is a draft, not a trusted spec: every value goes through the same rules as typing it would.
/// </summary>
public static class DraftFile
{
    public const string Header = "# Calico Wizard cluster spec. Replay: dotnet run --project src/Calico.Wizard.Headless -- --url URL --spec FILE\n";

    private static readonly ISerializer Writer = new SerializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithIndentedSequences()
        .Build();

    /// <summary>
    /// What a spec file (or an embedding page's prefill) sets: each key's field and value, typed; keys it leaves out
    /// keep the draft's values. Read and written through <see cref="DraftFields"/>: no second list of keys.
    /// </summary>
    public sealed class Spec
    {
        private readonly Dictionary<DraftField, object> values = [];

        public Spec() { }

        public Spec(ClusterDraft draft)
        {
            foreach (var field in DraftFields.All)
                if (field.Written(draft) is { } value) values[field] = value;
        }

        public bool Has(string property) => values.Keys.Any(f => f.Property == property);

        public object? this[string property] => values.FirstOrDefault(p => p.Key.Property == property).Value;

        /// <summary>The fields the spec sets, in the map's order (the order the wizard asks).</summary>
        public IEnumerable<(DraftField Field, object Value)> Values =>
            DraftFields.All.Where(values.ContainsKey).Select(f => (f, values[f]));

        public void Set(DraftField field, object value) => values[field] = value;
    }

    /// <summary>The draft as a spec file: every field's key and value in the wizard's order (empty ones left out).</summary>
    public static string Write(ClusterDraft d) => Header + Writer.Serialize(new Spec(d).Values.ToDictionary(v => v.Field.Key, v => v.Value));

    /// <returns>The spec, or the reason it cannot be read (with its line).</returns>
    public static (Spec? Spec, string? Error) Read(string text)
    {
        if (Input.BoundedYaml.Check(text, Input.InputLimits.MaxSpecFileBytes, Messages.DocumentSpec) is { } refused) return (null, refused);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            return (null, Unreadable(e.Start.Line, Input.YamlReasons.Say((e.InnerException ?? e).Message)));
        }
        catch (ArgumentException e)
        {
            return (null, Unreadable(0, Input.YamlReasons.Say(
                e.Message.Contains("same key", StringComparison.Ordinal) ? "Encountered duplicate key name" : e.Message)));
        }
        var spec = new Spec();
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" }) return (spec, null);
        if (stream.Documents[0].RootNode is not YamlMappingNode mapping)
            return (null, Unreadable(stream.Documents[0].RootNode.Start.Line, Text.Format(Messages.YamlWrongShape, Messages.ShapeSpec)));
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (DraftFields.ByKey(key) is not { } field) return (null, Unreadable(keyNode.Start.Line, Text.Format(Messages.YamlUnknownProperty, key)));
            if (valueNode is YamlScalarNode { Style: ScalarStyle.Plain, Value: "~" or "null" or "" }) continue; // null: the key is left out
            var (value, error) = Typed(field, valueNode);
            if (error is not null) return (null, Unreadable(valueNode.Start.Line, error));
            spec.Set(field, value!);
        }
        return (spec, null);
    }

    private static string Unreadable(long line, string reason) => Text.Format(Messages.SpecUnreadable, line, reason);

    private static (object? Value, string? Error) Typed(DraftField field, YamlNode node)
    {
        if (field.Type == typeof(List<string>))
            return node is not YamlSequenceNode list ? (null, Text.Format(Messages.YamlWrongShape, Messages.ShapeTextList))
                : list.Children.All(c => c is YamlScalarNode) ? (list.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList(), null)
                : (null, Text.Format(Messages.YamlWrongShape, Messages.ShapeText)); // an entry that is not text
        if (node is not YamlScalarNode { Value: var text }) return (null, Text.Format(Messages.YamlWrongShape, Messages.ShapeText));
        text ??= "";
        if (field.Type == typeof(bool) && !bool.TryParse(text, out _)) return (null, Text.Format(Messages.YamlNotBoolean, text));
        return field.Parse(text) is { Error: null } parsed ? parsed : (null, Text.Format(Messages.YamlUnknownValue, text));
    }

    /// <summary>Lays the spec's values over a draft (missing keys keep the draft's values), as if typed in the wizard's order.</summary>
    public static void Apply(Spec s, ClusterDraft d, Providers.ProviderMatrix matrix)
    {
        foreach (var (field, value) in s.Values) field.Apply(d, value, matrix);
        foreach (var field in DraftFields.All)
            if (DraftFields.Follows(field, key => s.Values.Any(v => v.Field.Key == key || v.Field.Aliases.Contains(key)))
                && s[field.FollowsWhenAbsent!] is { } followed)
                field.Set(d, followed);
    }
}
