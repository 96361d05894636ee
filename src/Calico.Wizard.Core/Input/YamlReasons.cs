using System.Text.RegularExpressions;
using Calico.Wizard.Core.Resources;

namespace Calico.Wizard.Core.Input;

/// <summary>
/// YamlDotNet (and .NET, under it) explain a document they cannot read in English. The reasons an operator meets
/// most — a misspelt key, a value that is not one of the choices, a word where a number or true/false goes, a key
/// written twice — are said again from <see cref="Messages"/> (the English resource repeats the library's words, so
/// English output is what it always was); any other reason is passed on as the library wrote it.
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

    public static string Say(string reason)
    {
        if (UnknownProperty().Match(reason) is { Success: true } p) return Text.Format(Messages.YamlUnknownProperty, p.Groups["key"].Value, p.Groups["type"].Value);
        if (UnknownValue().Match(reason) is { Success: true } v) return Text.Format(Messages.YamlUnknownValue, v.Groups["value"].Value);
        if (NotBoolean().Match(reason) is { Success: true } b) return Text.Format(Messages.YamlNotBoolean, b.Groups["value"].Value);
        if (NotNumber().Match(reason) is { Success: true } n) return Text.Format(Messages.YamlNotNumber, n.Groups["value"].Value);
        if (reason == "Encountered duplicate key name") return Messages.YamlDuplicateKey;
        return reason;
    }
}
