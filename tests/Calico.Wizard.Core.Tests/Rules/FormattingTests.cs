using System.Globalization;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;

namespace Calico.Wizard.Core.Tests.Rules;

public sealed class FormattingTests
{
    [Fact]
    public void Capacity_is_written_the_same_whatever_the_server_culture()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal("1,024 IPs per node · up to 64 nodes", BlockCapacity.Of(16, 22, NetworkStack.IPv4).Describe());
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Theory]
    [InlineData("[?+]")]
    [InlineData("eth[*+]0")]
    [InlineData(@"eth\++")]
    [InlineData("[[:alpha:]]+")]
    public void Go_regex_does_not_mistake_class_contents_or_escapes_for_possessive_quantifiers(string pattern) =>
        Assert.Null(GoRegex.Compile(pattern).Error);

    [Theory]
    [InlineData("eth++")]
    [InlineData("[a-z]*+")]
    [InlineData("x{2}+")]
    public void Go_regex_still_rejects_possessive_quantifiers_outside_classes(string pattern) =>
        Assert.Contains("Possessive", GoRegex.Compile(pattern).Error);
}

public sealed class CidrSuggestionTests
{
    [Theory]
    [InlineData("10.20.0.0", "Add the prefix length: address/prefix, e.g. 10.20.0.0/16.")]
    [InlineData("10.0.0", "write all four parts")]
    [InlineData("10.0.0", "e.g. 10.20.0.0/16")]
    public void Missing_prefix_suggests_only_valid_cidrs(string typed, string expected) =>
        Assert.Contains(expected, Calico.Wizard.Core.Addresses.StrictCidr.Parse(typed, Calico.Wizard.Core.Drafts.NetworkStack.IPv4).Error);

    [Fact]
    public void Missing_prefix_never_suggests_the_broken_address_itself() =>
        Assert.DoesNotContain("10.0.0/16", Calico.Wizard.Core.Addresses.StrictCidr.Parse("10.0.0", Calico.Wizard.Core.Drafts.NetworkStack.IPv4).Error);
}
