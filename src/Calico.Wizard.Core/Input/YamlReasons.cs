using System.Text.RegularExpressions;
using Calico.Wizard.Core.Resources;

namespace Calico.Wizard.Core.Input;

/// <summary>
/// YamlDotNet (and .NET, under it) explain a document they cannot read in English. The reasons an operator meets
/// most — a misspelt key, a value that is not one of the choices, a word where a number or true/false goes, a key
/// written twice, a list where a value goes, a badly indented line, a tab — are said again from <see cref="Messages"/>
/// (the English resource repeats the library's words, so English output is what it always was); any other reason is
/// passed on as the library wrote it.
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

    public static string Say(string reason)
    {
        if (UnknownProperty().Match(reason) is { Success: true } p) return Text.Format(Messages.YamlUnknownProperty, p.Groups["key"].Value, p.Groups["type"].Value);
        if (UnknownValue().Match(reason) is { Success: true } v) return Text.Format(Messages.YamlUnknownValue, v.Groups["value"].Value);
        if (NotBoolean().Match(reason) is { Success: true } b) return Text.Format(Messages.YamlNotBoolean, b.Groups["value"].Value);
        if (NotNumber().Match(reason) is { Success: true } n) return Text.Format(Messages.YamlNotNumber, n.Groups["value"].Value);
        if (WrongShape().Match(reason) is { Success: true } w) return Text.Format(Messages.YamlWrongShape, w.Groups["type"].Value);
        if (CannotCreate().Match(reason) is { Success: true } c) return Text.Format(Messages.YamlCannotCreate, c.Groups["type"].Value);
        return reason switch
        {
            "Encountered duplicate key name" => Messages.YamlDuplicateKey,
            "While parsing a block mapping, did not find expected key." => Messages.YamlBlockMappingKey,
            "While parsing a flow mapping,  did not find expected ',' or '}'." => Messages.YamlFlowMappingEnd,
            "While scanning a plain scalar value, found invalid mapping." => Messages.YamlInvalidMapping,
            "While scanning a mapping, found invalid tab as indentation." => Messages.YamlTabIndentation,
            "While scanning a plain scalar, found a tab character that violate indentation." => Messages.YamlTabInScalar,
            _ => reason,
        };
    }
}
