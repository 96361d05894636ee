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
    /// <param name="what">The document as a message names it, in the current UI language (<see cref="Messages.DocumentSpec"/>, <see cref="Messages.DocumentPolicy"/>).</param>
    /// <returns>Why the document is refused, or null when the real parser may read it (its syntax errors are its own to report).</returns>
    public static string? Check(string text, int maxBytes, string what)
    {
        if (text.Length > maxBytes || Encoding.UTF8.GetByteCount(text) > maxBytes)
            return Text.Format(Messages.DocumentTooLarge, what, maxBytes / 1024);
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case AnchorAlias alias:
                        return Text.Format(Messages.YamlAlias, alias.Value, alias.Start.Line);
                    case NodeEvent { Anchor.IsEmpty: false } node:
                        return Text.Format(Messages.YamlAnchor, node.Anchor, node.Start.Line);
                }
                if (parser.Current is MappingStart or SequenceStart && ++depth > InputLimits.MaxDepth)
                    return Text.Format(Messages.DocumentTooDeep, what, InputLimits.MaxDepth, parser.Current.Start.Line);
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
