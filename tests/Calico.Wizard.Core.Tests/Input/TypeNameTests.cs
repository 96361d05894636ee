using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Policies;
using Calico.Wizard.Core.Tests.Localization;

namespace Calico.Wizard.Core.Tests.Input;

/// <summary>
/// A spec file, a prefill or a policy of the wrong shape is answered in the words of YAML — a text value, a list, a
/// mapping — never with the .NET types that read it (issue 27: "DraftFile+Spec", "Invalid cast from 'System.String'").
/// </summary>
public sealed class TypeNameTests
{
    private static readonly string[] DotNet = ["System.", "Calico.", "k8s.", "Version=", "PublicKeyToken", "List`1", "+Spec", "Culture="];

    [Theory]
    [InlineData("- a\n", "a mapping of the spec file's keys goes here")]
    [InlineData("name: [a]\n", "a single text value goes here")]
    [InlineData("mtu: {a: 1}\n", "a single text value goes here")]
    [InlineData("networkPolicies: hello\n", "a list of text values goes here")]
    [InlineData("networkPolicies: [{a: 1}]\n", "a single text value goes here")]
    [InlineData("plannedNodes: [1, 2]\n", "a single text value goes here")]
    [InlineData("networkStack: Banana\n", "'Banana' is not one of the values this key takes")]
    [InlineData("nmae: edge-01\n", "Unknown key 'nmae' here: check its spelling")]
    public void A_spec_of_the_wrong_shape_says_which_shape_goes_there(string yaml, string expected)
    {
        var error = DraftFile.Read(yaml).Error!;

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain(DotNet, error.Contains);
    }

    [Theory]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: a, namespace: default}\nspec: {podSelector: [a]}\n")]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: a, namespace: default}\nspec: {podSelector: {}, ingress: hello}\n")]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: a, namespace: default}\nspec: {podSelector: {}, egres: []}\n")]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: [a]\n")]
    public void A_policy_of_the_wrong_shape_names_no_type(string yaml)
    {
        foreach (var culture in new[] { Cultures.English, Cultures.German })
        {
            var error = Cultures.In(culture, () => PolicyText.Parse(yaml).YamlError)!;
            Assert.StartsWith(culture == Cultures.English ? "YAML error on line" : "YAML-Fehler in Zeile", error, StringComparison.Ordinal);
            Assert.DoesNotContain(DotNet, error.Contains);
        }
    }
}
