using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;
using Calico.Wizard.Core.Resources;

namespace Calico.Wizard.Core.Tests.Localization;

/// <summary>Messages.resx and Messages.de.resx, as built (the neutral resources and the German satellite assembly).</summary>
public sealed partial class ResourceTests
{
    /// <summary>
    /// Values that are the same words in German: each is a name, not a sentence to translate.
    /// </summary>
    private static readonly HashSet<string> SameInBothLanguages =
    [
        "FieldBgp", // the field is labelled with the protocol's name, which German documentation does not translate
    ];

    private static Dictionary<string, string> Read(CultureInfo culture) =>
        Messages.ResourceManager.GetResourceSet(culture, createIfNotExists: true, tryParents: false)!
            .Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);

    private static readonly Dictionary<string, string> English = Read(CultureInfo.InvariantCulture);
    private static readonly Dictionary<string, string> German = Read(CultureInfo.GetCultureInfo("de"));

    [GeneratedRegex(@"\{(?<index>[0-9]+)(?<align>,[^}:]*)?(?<format>:[^}]*)?\}")]
    private static partial Regex FormatItem();

    /// <summary>The format items of a composite format ("{1:N0}"), escaped braces ("{{") left out.</summary>
    private static string[] Placeholders(string value) =>
        FormatItem().Matches(value.Replace("{{", "").Replace("}}", "")).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Both_languages_have_the_same_keys()
    {
        Assert.True(English.Count > 100, $"the neutral resources hold {English.Count} messages");
        Assert.Equal(English.Keys.Order(StringComparer.Ordinal), German.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_German_value_is_written_and_keeps_the_English_placeholders()
    {
        var wrong = English.Where(e => !German.TryGetValue(e.Key, out var de) || string.IsNullOrWhiteSpace(de)
                || !Placeholders(e.Value).SequenceEqual(Placeholders(de)))
            .Select(e => $"{e.Key}: [{string.Join(" ", Placeholders(e.Value))}] vs [{string.Join(" ", Placeholders(German.GetValueOrDefault(e.Key) ?? ""))}]");
        Assert.Empty(wrong);
    }

    [Fact]
    public void Every_value_with_placeholders_is_a_valid_format_in_both_languages()
    {
        foreach (var (key, en) in English)
        {
            var count = Placeholders(en).Select(p => int.Parse(FormatItem().Match(p).Groups["index"].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max() + 1;
            if (count == 0) continue; // used as it is, braces and all ("use {} to select every pod")
            var args = Enumerable.Repeat<object>(1024, count).ToArray();
            foreach (var value in new[] { en, German[key] })
                Assert.False(string.IsNullOrEmpty(Text.Format(value, args)), key);
        }
    }

    [Fact]
    public void No_German_value_is_left_in_English()
    {
        var untranslated = English.Where(e => German[e.Key] == e.Value && !SameInBothLanguages.Contains(e.Key)).Select(e => $"{e.Key}: {e.Value}");
        Assert.Empty(untranslated);
        Assert.All(SameInBothLanguages, key => Assert.Equal(English[key], German[key])); // the list holds no stale entry
    }

    [Fact]
    public void The_German_resources_speak_to_the_operator_formally()
    {
        var informal = German.Where(e => InformalYou().IsMatch(e.Value)).Select(e => $"{e.Key}: {e.Value}");
        Assert.Empty(informal);
    }

    [GeneratedRegex(@"\b(du|dich|dir|dein\w*)\b", RegexOptions.IgnoreCase)]
    private static partial Regex InformalYou();
}
