using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Calico.Wizard.Features.Localization;

namespace Calico.Wizard.Tests.Features.Localization;

/// <summary>
/// The UI's texts in every language: each key the sources use (<c>T["…"]</c>, <c>K("…")</c>) has an entry in English
/// and in German, the two files hold the same keys with the same placeholders, and German is not English left untranslated.
/// </summary>
public sealed partial class UiTextResourcesTests
{
    private static readonly string Source = Path.Combine(Repository.Root, "src", "Calico.Wizard");

    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(Source, "Resources", file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!);

    private static readonly Dictionary<string, string> English = Read("UiText.resx");
    private static readonly Dictionary<string, string> German = Read("UiText.de.resx");

    /// <summary>The same word in both languages (product terms, Kubernetes kinds, loanwords German uses as they are).</summary>
    private static readonly HashSet<string> SameInGerman =
        ["Cluster", "Name", "Namespace", "Namespaces", "Pods", "Services", "Backend", "Status", "Detail", "CIDRs"];

    /// <summary>A key as the sources write it: one literal, or literals joined with + where one would not fit in a line.</summary>
    [GeneratedRegex("""(?:\bT\[|\bK\()\s*("(?:[^"\\]|\\.)*"(?:\s*\+\s*"(?:[^"\\]|\\.)*")*)\s*[\],)]""")]
    private static partial Regex UsedKey();

    [GeneratedRegex("\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex Literal();

    private static string KeyOf(Match used) =>
        string.Concat(Literal().Matches(used.Groups[1].Value).Select(l => Regex.Unescape(l.Groups[1].Value)));

    private static IEnumerable<(string File, string Key)> KeysInSources() =>
        Directory.EnumerateFiles(Source, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .SelectMany(f => UsedKey().Matches(File.ReadAllText(f)).Select(m => (Path.GetRelativePath(Source, f), KeyOf(m))));

    [Fact]
    public void Every_key_the_sources_use_is_in_every_language()
    {
        var used = KeysInSources().ToList();
        Assert.True(used.Count > 200, $"only {used.Count} keys found: the scan is broken");
        var missing = used.Where(u => !English.ContainsKey(u.Key) || !German.ContainsKey(u.Key)).Select(u => $"{u.File}: \"{u.Key}\"").Distinct().ToList();
        Assert.True(missing.Count == 0, $"keys without an entry in UiText.resx or UiText.de.resx:\n{string.Join("\n", missing)}");
    }

    [Fact]
    public void MudBlazors_own_texts_are_german_in_a_german_circuit_and_its_english_otherwise()
    {
        var german = new UiCulture();
        german.Start("http://127.0.0.1/clusters?culture=de");
        var english = new UiCulture();
        english.Start("http://127.0.0.1/clusters?culture=en");
        var pager = "MudDataGridPager_RowsPerPage";
        Assert.Equal("Zeilen pro Seite:", new UiMudLocalizer(german)[pager].Value);
        Assert.False(new UiMudLocalizer(german)[pager].ResourceNotFound);
        // not found: MudBlazor then uses its own English resources
        Assert.True(new UiMudLocalizer(english)[pager].ResourceNotFound);
        Assert.True(new UiMudLocalizer(german)["MudNoSuchText"].ResourceNotFound);
        Assert.Equal("1–25 von 1.234", new UiMudLocalizer(german)["MudDataGridPager_InfoFormat", 1, 25, 1234.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("de"))].Value);
    }

    [Fact]
    public void English_and_German_hold_the_same_keys_and_the_english_value_is_its_key()
    {
        Assert.Empty(English.Keys.Except(German.Keys));
        Assert.Empty(German.Keys.Except(English.Keys));
        Assert.All(English, e => Assert.Equal(e.Key, e.Value));
    }

    [GeneratedRegex(@"\{(\d+)(?:[:,][^}]*)?\}")]
    private static partial Regex Placeholder();

    [Fact]
    public void Each_german_text_is_translated_and_keeps_the_english_placeholders()
    {
        foreach (var (key, german) in German)
        {
            Assert.False(string.IsNullOrWhiteSpace(german), $"'{key}' is empty in German");
            if (!SameInGerman.Contains(key) && key.Any(char.IsLetter))
                Assert.True(german != key, $"'{key}' is not translated");
            // MudBlazor's texts are keyed by its resource names: their English is MudBlazor's own (the string.Format below still checks them)
            if (key.StartsWith(UiMudLocalizer.Prefix, StringComparison.Ordinal)) { _ = string.Format(CultureInfo.GetCultureInfo("de"), german, 1, 2, 3); continue; }
            var expected = Placeholder().Matches(key).Select(m => m.Value).Order().ToArray();
            var actual = Placeholder().Matches(german).Select(m => m.Value).Order().ToArray();
            Assert.True(expected.SequenceEqual(actual), $"'{key}': placeholders {string.Join(" ", expected)} in English, {string.Join(" ", actual)} in German");
            // a format the culture will fill must be one string.Format accepts (MudBlazor's own too: its pager formats "{0}-{1} of {2}")
            _ = string.Format(CultureInfo.GetCultureInfo("de"), german, Enumerable.Range(0, 4).Select(i => (object)i).ToArray());
        }
    }

    [Fact]
    public void The_localizer_answers_in_the_circuits_language_whatever_the_threads_culture()
    {
        var culture = new UiCulture();
        culture.Start("http://127.0.0.1/wizard/x?culture=de");
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en-US"); // e.g. a job's progress pushed from a background thread
        try
        {
            var t = new UiTextLocalizer(culture);
            Assert.Equal("Clustername", t["Cluster name"].Value);
            Assert.Equal("Schritt 3 von 4", t["Step {0} of {1}", 3, 4].Value);
            Assert.True(t["No such key, shown as it is"].ResourceNotFound);
        }
        finally { CultureInfo.CurrentUICulture = previous; }
    }

    [Theory]
    [InlineData("de-DE", "de")]
    [InlineData("DE", "de")]
    [InlineData("en-GB", "en")]
    [InlineData("fr", null)]
    [InlineData("", null)]
    [InlineData("de-DE-x-aaaaaaaaaaaaaaaaaaaa", null)] // bounded before it is parsed
    public void A_language_is_found_by_its_name_and_nothing_else_is(string name, string? found) =>
        Assert.Equal(found, Languages.Find(name)?.Name);
}
