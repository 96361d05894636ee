using System.Text;
using Calico.Wizard.Core.Resources;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Calico.Wizard.Core.Input;

/// <summary>
/// The gate in front of every YAML (and JSON, which is YAML) document we deserialize: its size, its nesting, and no
/// anchors or aliases — Kubernetes manifests never need them, and an alias expands into a copy of what it names, so a
/// few hundred bytes of them become gigabytes of objects. The gate reads the event stream only (no objects are built,
/// an alias is one event), so it is linear in the text and stops at the first problem.
/// </summary>
public static class BoundedYaml
{
    /// <param name="what">
    /// The document as a message names it, in the current UI language (<see cref="Messages.DocumentSpec"/>,
    /// <see cref="Messages.DocumentPolicy"/>).
    /// </param>
    /// <returns>Why the document is refused, or null when the real parser may read it (its syntax errors are its own to report).</returns>
    public static string? Check(string text, int maxBytes, string what) => Scan(text, maxBytes, what).Refused;

    /// <summary>What one walk over a document's events found.</summary>
    /// <param name="Refused">Why the document is refused, or null.</param>
    /// <param name="TopLevel">
    /// The top-level mapping's scalar values by key (<c>apiVersion</c>, <c>kind</c>): what a document says it is, read
    /// without building it.
    /// </param>
    /// <param name="RootIsMapping">Whether the document is a mapping (a Kubernetes object is): otherwise the deserializer names what it is instead.</param>
    public sealed record Result(string? Refused, IReadOnlyDictionary<string, string> TopLevel, bool RootIsMapping = false);

    /// <summary>
    /// The same gate as <see cref="Check"/>, bounding the document's nodes as well (<paramref name="maxNodes"/>: the
    /// deserializer's cost grows with them, several microseconds each), and reading its top-level scalars on the way.
    /// </summary>
    public static Result Scan(string text, int maxBytes, string what, int maxNodes = int.MaxValue)
    {
        var top = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text.Length > maxBytes || Encoding.UTF8.GetByteCount(text) > maxBytes)
            return new(Text.Format(Messages.DocumentTooLarge, what, maxBytes / 1024), top);
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        var nodes = 0;
        string? key = null; // the top-level mapping's pending key
        bool? rootIsMapping = null;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case AnchorAlias alias:
                        return new(Text.Format(Messages.YamlAlias, alias.Value, alias.Start.Line), top);
                    case NodeEvent { Anchor.IsEmpty: false } node:
                        return new(Text.Format(Messages.YamlAnchor, node.Anchor, node.Start.Line), top);
                }
                if (parser.Current is NodeEvent && depth == 0) rootIsMapping ??= parser.Current is MappingStart;
                if (parser.Current is NodeEvent && ++nodes > maxNodes)
                    return new(Text.Format(Messages.DocumentTooManyNodes, what, maxNodes, parser.Current.Start.Line), top);
                if (depth == 1 && parser.Current is Scalar scalar)
                {
                    if (key is null) key = scalar.Value;
                    else { top.TryAdd(key, scalar.Value); key = null; }
                }
                else if (depth == 1 && parser.Current is MappingStart or SequenceStart) key = null; // a key whose value is a collection
                if (parser.Current is MappingStart or SequenceStart && ++depth > InputLimits.MaxDepth)
                    return new(Text.Format(Messages.DocumentTooDeep, what, InputLimits.MaxDepth, parser.Current.Start.Line), top);
                if (parser.Current is MappingEnd or SequenceEnd) depth--;
            }
        }
        catch (YamlException)
        {
            // a syntax error: the deserializer names it with its line
        }
        catch (InvalidOperationException)
        {
            // the scanner's own way of failing on an unclosed flow collection, reported the same way
        }
        return new(null, top, rootIsMapping == true);
    }
}
