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

    [Theory]
    [InlineData("echo: Authorization=Bearer%20eyJhbGciOi.J9.sig", "Authorization=Bearer [redacted]")]
    [InlineData("echo: bearer:eyJhbGciOi.J9.sig", "bearer [redacted]")]
    [InlineData("echo: Bearer+eyJhbGciOi.J9.sig", "Bearer [redacted]")]
    public void An_authorization_value_written_another_way_is_redacted(string message, string expected) =>
        Assert.EndsWith(expected, Secrets.Scrub(message));

    [Fact]
    public void A_remembered_kubeconfig_credential_is_redacted_however_a_server_echoes_it()
    {
        const string token = "k8s-Token_0f9e8d7c6b5a/4321+xyz";
        Secrets.Remember(token);

        foreach (var echo in new[]
                 {
                     $"the token {token} is not valid",                          // no "Bearer" before it
                     $"the token {token.ToUpperInvariant()} is not valid",     // another case
                     $"the token {Uri.EscapeDataString(token)} is not valid",  // URL-encoded
                     $"the token {System.Net.WebUtility.UrlEncode(token)} is not valid",
                     $"the token {System.Text.Json.JsonEncodedText.Encode(token)} is not valid", // JSON-escaped
                     $"the token {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(token)).TrimEnd('=')} is not valid",
                 })
            Assert.Equal("the token [redacted] is not valid", Secrets.Scrub(echo));
    }

    [Fact]
    public void A_message_without_credentials_is_unchanged()
    {
        const string message = "Applying Installation default failed: the server rejected spec.calicoNetwork.mtu (422).";
        Assert.Equal(message, Secrets.Scrub(message));
    }
}
