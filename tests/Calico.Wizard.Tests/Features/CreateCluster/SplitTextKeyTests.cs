using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Calico.Wizard.Tests.Features.CreateCluster;

/// <summary>
/// A UI text longer than a source line (160 characters) is written as literals joined with +: still one key, which
/// UiTextResourcesTests' scan of <c>T["…"]</c> and <c>K("…")</c> does not read whole. Here each such key of the wizard's
/// steps is joined and looked up in English and German, so a split key cannot drift from its entry unnoticed.
/// </summary>
public sealed partial class SplitTextKeyTests
{
    private static readonly string Resources = Path.Combine(Repository.Root, "src", "Calico.Wizard", "Resources");
    private static readonly string Steps = Path.Combine(Repository.Root, "src", "Calico.Wizard", "Features", "CreateCluster");

    [GeneratedRegex("""(?:\bT\[|\bK\()\s*("(?:[^"\\]|\\.)*"(?:\s*\+\s*"(?:[^"\\]|\\.)*")+)\s*[\],)]""")]
    private static partial Regex SplitKey();

    [GeneratedRegex(@"""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Literal();

    private static HashSet<string> Keys(string file) =>
        XDocument.Load(Path.Combine(Resources, file)).Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();

    [Fact]
    public void Every_split_key_of_the_steps_is_in_every_language()
    {
        var split = Directory.EnumerateFiles(Steps, "*.razor", SearchOption.AllDirectories)
            .SelectMany(f => SplitKey().Matches(File.ReadAllText(f)).Select(m =>
                (File: Path.GetFileName(f), Key: string.Concat(Literal().Matches(m.Groups[1].Value).Select(l => Regex.Unescape(l.Groups[1].Value))))))
            .ToList();
        Assert.True(split.Count >= 10, $"only {split.Count} split keys found: the scan is broken"); // the Network step's help texts

        var (english, german) = (Keys("UiText.resx"), Keys("UiText.de.resx"));
        Assert.Empty(split.Where(s => !english.Contains(s.Key) || !german.Contains(s.Key)).Select(s => $"{s.File}: \"{s.Key}\""));
    }
}
