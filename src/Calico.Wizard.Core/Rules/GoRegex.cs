using System.Text.RegularExpressions;
using Calico.Wizard.Core.Resources;

namespace Calico.Wizard.Core.Rules;

/// <summary>
/// Calico (written in Go) compiles interface patterns with Go's RE2 syntax. .NET's non-backtracking engine
/// refuses the same constructs RE2 does — look-around, back-references, atomic groups, possessive quantifiers —
/// and matches in linear time, so it judges the pattern; a short list covers what .NET accepts and Go does not.
/// </summary>
public static partial class GoRegex
{
    public const int MaxLength = 1000;
    public const int MaxRepeat = 1000; // Go: "invalid repeat count" above 1000

    [GeneratedRegex(@"\\[ZGekcuU]|\\[0-9]*[89]")]
    private static partial Regex DotNetOnlyEscape();

    [GeneratedRegex(@"\(\?([a-zA-Z-]*)([:)])")]
    private static partial Regex FlagGroup();

    [GeneratedRegex(@"\{(\d+)(,(\d*))?\}")]
    private static partial Regex Repeat();

    [GeneratedRegex(@"(\*|\+|\?|\})\+")]
    private static partial Regex Possessive();

    public static (Regex? Regex, string? Error) Compile(string pattern)
    {
        if (pattern.Length == 0) return (null, Messages.GoRegexEmpty);
        if (pattern.Length > MaxLength) return (null, Text.Format(Messages.GoRegexTooLong, MaxLength));
        var unescaped = StripEscapedPairs(pattern);
        if (Possessive().IsMatch(unescaped))
            return (null, Messages.GoRegexPossessive);
        if (unescaped.Contains("(?#"))
            return (null, Messages.GoRegexComment);
        if (unescaped.Contains("(?'"))
            return (null, Messages.GoRegexQuotedGroup);
        if (DotNetOnlyEscape().Match(pattern) is { Success: true } esc && !IsEscapedBackslash(pattern, esc.Index))
            return (null, Text.Format(Messages.GoRegexEscape, esc.Value));
        foreach (Match m in Repeat().Matches(unescaped))
        {
            if (int.TryParse(m.Groups[1].Value, out var lo) && lo > MaxRepeat
                || int.TryParse(m.Groups[3].Value, out var hi) && hi > MaxRepeat)
                return (null, Text.Format(Messages.GoRegexRepeat, MaxRepeat, m.Value));
        }
        if (FlagGroup().Matches(unescaped).FirstOrDefault(f => f.Groups[1].Value.Any(c => c is not ('i' or 'm' or 's' or 'U' or '-'))) is { } flags)
            return (null, Text.Format(Messages.GoRegexFlags, flags.Value));

        // Go spells named groups (?P<name>…) (and, since 1.22, (?<name>…)); .NET knows only the latter.
        // U (ungreedy) has no .NET twin; it changes what is captured, never whether a name matches.
        var dotnet = FlagGroup().Replace(pattern.Replace("(?P<", "(?<"), f =>
        {
            var flags = f.Groups[1].Value.Replace("U", "");
            return flags.Trim('-').Length == 0 && f.Groups[2].Value == ")" ? "" : $"(?{flags}{f.Groups[2].Value}";
        });
        try
        {
            // No match timeout: the non-backtracking engine is linear in the input (and the pattern is bounded above),
            // while a wall-clock timeout is hit by a busy CPU on a valid pattern and throws where a page renders.
            var regex = new Regex(dotnet, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, Regex.InfiniteMatchTimeout);
            return (regex, null);
        }
        catch (NotSupportedException e)
        {
            return (null, Describe(e.Message));
        }
        catch (ArgumentException e)
        {
            var detail = e.Message;
            var cut = detail.IndexOf(". ", StringComparison.Ordinal);
            if (cut > 0 && cut + 2 < detail.Length) detail = detail[(cut + 2)..];
            return (null, Text.Format(Messages.GoRegexInvalid, detail.TrimEnd('.'))); // the detail is .NET's own (English) words
        }
    }

    private static string Describe(string notSupported) =>
        notSupported.Contains("lookahead") || notSupported.Contains("lookbehind")
            ? Messages.GoRegexLookAround
        : notSupported.Contains("backreference")
            ? Messages.GoRegexBackReference
        : notSupported.Contains("atomic")
            ? Messages.GoRegexAtomic
        : notSupported.Contains("conditional")
            ? Messages.GoRegexConditional
            : Messages.GoRegexUnsupported;

    // Blank out escaped characters and character-class contents so "\\+\\+", "[?+]" or "\\(?#" are not mistaken for operators.
    private static string StripEscapedPairs(string pattern)
    {
        var chars = pattern.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] == '\\' && i + 1 < chars.Length) { chars[i] = chars[i + 1] = '_'; i++; continue; }
            if (chars[i] != '[') continue;
            var j = i + 1;
            if (j < chars.Length && chars[j] == '^') j++;
            if (j < chars.Length && chars[j] == ']') j++; // a leading ']' is a literal
            for (; j < chars.Length && chars[j] != ']'; j++)
            {
                if (chars[j] == '[' && j + 1 < chars.Length && chars[j + 1] == ':') // [:alpha:]
                {
                    var end = pattern.IndexOf(":]", j + 2, StringComparison.Ordinal);
                    if (end > 0) { for (; j < end + 1; j++) chars[j] = '_'; continue; }
                }
                if (chars[j] == '\\' && j + 1 < chars.Length) chars[j++] = '_';
                chars[j] = '_';
            }
            for (var k = i + 1; k < Math.Min(j, chars.Length); k++) chars[k] = '_';
            i = j;
        }
        return new string(chars);
    }

    private static bool IsEscapedBackslash(string pattern, int index)
    {
        var run = 0;
        for (var i = index - 1; i >= 0 && pattern[i] == '\\'; i--) run++;
        return run % 2 == 1;
    }
}
