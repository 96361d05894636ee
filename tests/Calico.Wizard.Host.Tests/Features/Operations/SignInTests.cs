using Calico.Wizard.Features.Operations;

namespace Calico.Wizard.Host.Tests.Features.Operations;

public sealed class SignInTests
{
    [Theory]
    [InlineData("/wizard/1", "/wizard/1")]
    [InlineData("/", "/")]
    [InlineData("/\\evil.example/phish", "/")] // the reported open redirect: browsers read /\ as //
    [InlineData("//evil.example/phish", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("javascript:alert(1)", "/")]
    [InlineData("/\tevil", "/")]
    [InlineData(null, "/")]
    public void After_sign_in_only_a_path_on_this_app_is_followed(string? returnUrl, string followed)
    {
        Assert.Equal(followed, SignIn.SafeReturn(returnUrl));
    }
}
