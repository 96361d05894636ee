using System.Text;
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
    /// <returns>Why the document is refused, or null when the real parser may read it (its syntax errors are its own to report).</returns>
    public static string? Check(string text, int maxBytes, string what)
    {
        if (text.Length > maxBytes || Encoding.UTF8.GetByteCount(text) > maxBytes)
            return $"The {what} is larger than {maxBytes / 1024:N0} KB: shorten it.";
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case AnchorAlias alias:
                        return $"YAML aliases are not accepted (*{alias.Value} on line {alias.Start.Line}): write the value out in full.";
                    case NodeEvent { Anchor.IsEmpty: false } node:
                        return $"YAML anchors are not accepted (&{node.Anchor} on line {node.Start.Line}): write the value out where it is used.";
                }
                if (parser.Current is MappingStart or SequenceStart && ++depth > InputLimits.MaxDepth)
                    return $"The {what} is nested more than {InputLimits.MaxDepth} levels deep (line {parser.Current.Start.Line}): no manifest needs that.";
                if (parser.Current is MappingEnd or SequenceEnd) depth--;
            }
        }
        catch (YamlException)
        {
            return null; // a syntax error: the deserializer names it with its line
        }
        catch (InvalidOperationException)
        {
            return null; // the scanner's own way of failing on an unclosed flow collection, reported the same way
        }
        return null;
    }
}
