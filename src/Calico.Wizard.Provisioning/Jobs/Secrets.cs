using System.Text.RegularExpressions;

namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>
/// What a job stores or shows is scrubbed first: an API server, a proxy or a library may echo the request's
/// Authorization header or a kubeconfig's credentials into an error, and a job's messages are served to anyone
/// who can read the cluster page.
/// </summary>
public static partial class Secrets
{
    [GeneratedRegex(@"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*")]
    private static partial Regex AuthorizationValue();

    [GeneratedRegex(@"(?i)(""?\b(?:token|client-key-data|client-certificate-data|certificate-authority-data|password|client-secret)""?\s*[:=]\s*""?)[^\s"",}]+")]
    private static partial Regex CredentialField();

    [GeneratedRegex(@"-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|\z)")]
    private static partial Regex PemBlock();

    public static string Scrub(string text) =>
        PemBlock().Replace(CredentialField().Replace(AuthorizationValue().Replace(text, "$1 [redacted]"), "$1[redacted]"), "[certificate data redacted]");

    public static string? ScrubOrNull(string? text) => text is null ? null : Scrub(text);
}
