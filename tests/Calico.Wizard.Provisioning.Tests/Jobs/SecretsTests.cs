using Calico.Wizard.Provisioning.Jobs;

namespace Calico.Wizard.Provisioning.Tests.Jobs;

/// <summary>An API server (or a proxy) that echoes the request puts credentials into errors: none of it is stored or shown.</summary>
public sealed class SecretsTests
{
    [Theory]
    [InlineData("401: request had Authorization: Bearer eyJhbGciOi.J9.sig-_x= header", "Authorization: Bearer [redacted] header")]
    [InlineData("proxy said Basic dXNlcjpwYXNz", "proxy said Basic [redacted]")]
    [InlineData("bad config: token: canary-123abc in user", "token: [redacted] in user")]
    [InlineData("{\"client-key-data\": \"LS0tLS1CRUdJTg==\"}", "{\"client-key-data\": \"[redacted]\"}")]
    [InlineData("x -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- y", "x [certificate data redacted] y")]
    public void Credentials_in_a_message_are_redacted(string message, string expected)
    {
        var scrubbed = Secrets.Scrub(message);

        Assert.EndsWith(expected, scrubbed);
    }

    [Fact]
    public void A_message_without_credentials_is_unchanged()
    {
        const string message = "Applying Installation default failed: the server rejected spec.calicoNetwork.mtu (422).";
        Assert.Equal(message, Secrets.Scrub(message));
    }
}
