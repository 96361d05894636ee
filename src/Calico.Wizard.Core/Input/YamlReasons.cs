using System.Text.RegularExpressions;
using Calico.Wizard.Core.Resources;

namespace Calico.Wizard.Core.Input;

/// <summary>
/// YamlDotNet (and .NET, under it) explain a document they cannot read in English. The reasons an operator meets
/// most — a misspelt key, a value that is not one of the choices, a word where a number or true/false goes, a key
/// written twice, a list where a value goes, a badly indented line, a tab — are said again from <see cref="Messages"/>
/// in words of the document's shapes — a text value, a number, a list, a mapping — never the .NET types behind them
/// (<see cref="Shape"/>); any other reason is passed on as the library wrote it, with every type name in it said the
/// same way.
/// </summary>
public static partial class YamlReasons
{
    [GeneratedRegex(@"^Property '(?<key>.*)' not found on type '(?<type>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex UnknownProperty();

    [GeneratedRegex(@"^Requested value '(?<value>.*)' was not found\.$", RegexOptions.Singleline)]
    private static partial Regex UnknownValue();

    [GeneratedRegex(@"^The value ""(?<value>.*)"" is not a valid YAML Boolean$", RegexOptions.Singleline)]
    private static partial Regex NotBoolean();

    [GeneratedRegex(@"^The input string '(?<value>.*)' was not in a correct format\.$", RegexOptions.Singleline)]
    private static partial Regex NotNumber();

    [GeneratedRegex(@"^No node deserializer was able to deserialize the node into type (?<type>.*)$", RegexOptions.Singleline)]
    private static partial Regex WrongShape();

    [GeneratedRegex(@"^Failed to create an instance of type '(?<type>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex CannotCreate();

    [GeneratedRegex(@"^Invalid cast from '(?<from>.*)' to '(?<type>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex InvalidCast();

    /// <summary>A .NET type name as the library writes it: a namespace-qualified name, maybe generic, maybe assembly-qualified.</summary>
    [GeneratedRegex(@"(?:System|k8s|Calico|YamlDotNet)\.[A-Za-z0-9_.+`]+(?:\[\[.*?\]\])?" +
        @"(?:, [A-Za-z0-9_.]+, Version=[0-9.]+, Culture=[A-Za-z]+, PublicKeyToken=[a-z0-9]+)?")]
    private static partial Regex TypeName();

    /// <summary>What a value of a .NET type looks like in YAML, in the current language.</summary>
    public static string Shape(string type) => type switch
    {
        _ when type.StartsWith("System.String", StringComparison.Ordinal) => Messages.ShapeText,
        _ when type.StartsWith("System.Boolean", StringComparison.Ordinal)
            || type.Contains("[[System.Boolean", StringComparison.Ordinal) => Messages.ShapeBoolean,
        _ when type.StartsWith("System.Int", StringComparison.Ordinal) || type.Contains("[[System.Int", StringComparison.Ordinal) => Messages.ShapeNumber,
        _ when type.Contains("List`1[[System.String", StringComparison.Ordinal) => Messages.ShapeTextList,
        _ when type.Contains("List`1", StringComparison.Ordinal) => Messages.ShapeList,
        _ when type.Contains("Dictionary`2", StringComparison.Ordinal) => Messages.ShapeMapping,
        _ when type.StartsWith("Calico.Wizard.Core.Drafts.DraftFile+Spec", StringComparison.Ordinal) => Messages.ShapeSpec,
        _ when type.StartsWith("k8s.", StringComparison.Ordinal) => Messages.ShapeMapping,
        _ when type.Contains("[[Calico.Wizard.Core.Drafts.", StringComparison.Ordinal)
            || type.StartsWith("Calico.Wizard.Core.Drafts.", StringComparison.Ordinal) => Messages.ShapeChoice,
        _ => Messages.ShapeOther,
    };

    public static string Say(string reason)
    {
        if (UnknownProperty().Match(reason) is { Success: true } p) return Text.Format(Messages.YamlUnknownProperty, p.Groups["key"].Value);
        if (UnknownValue().Match(reason) is { Success: true } v) return Text.Format(Messages.YamlUnknownValue, v.Groups["value"].Value);
        if (NotBoolean().Match(reason) is { Success: true } b) return Text.Format(Messages.YamlNotBoolean, b.Groups["value"].Value);
        if (NotNumber().Match(reason) is { Success: true } n) return Text.Format(Messages.YamlNotNumber, n.Groups["value"].Value);
        if (WrongShape().Match(reason) is { Success: true } w) return Text.Format(Messages.YamlWrongShape, Shape(w.Groups["type"].Value));
        if (CannotCreate().Match(reason) is { Success: true } c) return Text.Format(Messages.YamlWrongShape, Shape(c.Groups["type"].Value));
        if (InvalidCast().Match(reason) is { Success: true } x) return Text.Format(Messages.YamlWrongShape, Shape(x.Groups["type"].Value));
        return reason switch
        {
            "Encountered duplicate key name" => Messages.YamlDuplicateKey,
            "While parsing a block mapping, did not find expected key." => Messages.YamlBlockMappingKey,
            "While parsing a flow mapping,  did not find expected ',' or '}'." => Messages.YamlFlowMappingEnd,
            "While scanning a plain scalar value, found invalid mapping." => Messages.YamlInvalidMapping,
            "While scanning a mapping, found invalid tab as indentation." => Messages.YamlTabIndentation,
            "While scanning a plain scalar, found a tab character that violate indentation." => Messages.YamlTabInScalar,
            _ => TypeName().Replace(reason, m => Shape(m.Value)),
        };
    }
}
