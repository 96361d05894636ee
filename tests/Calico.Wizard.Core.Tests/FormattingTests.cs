using System.Globalization;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;

namespace Calico.Wizard.Core.Tests;

public sealed class FormattingTests
{
    [Fact]
    public void Capacity_IsWrittenTheSameWhateverTheServerCulture()
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
    public void GoRegex_DoesNotMistakeClassContentsOrEscapesForPossessiveQuantifiers(string pattern) =>
        Assert.Null(GoRegex.Compile(pattern).Error);

    [Theory]
    [InlineData("eth++")]
    [InlineData("[a-z]*+")]
    [InlineData("x{2}+")]
    public void GoRegex_StillRejectsPossessiveQuantifiersOutsideClasses(string pattern) =>
        Assert.Contains("Possessive", GoRegex.Compile(pattern).Error);
}
