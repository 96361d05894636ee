using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>
/// What a job stores or shows is scrubbed first: an API server, a proxy or a library may echo the request's
/// Authorization header or a kubeconfig's credentials into an error, and a job's messages are served to anyone
/// who can read the cluster page. Two nets: the shapes credentials come in (an Authorization value however it is
/// written, a kubeconfig's credential fields, PEM blocks), and the exact credentials this process read from its
/// targets' kubeconfigs (<see cref="Remember"/>) — in any case and in the encodings an echo may use (URL, JSON,
/// base64) — so a token quoted with no "Bearer" before it ("the token … is not valid") is caught too.
/// </summary>
public static partial class Secrets
{
    /// <summary>Bearer or Basic, then the value, however it was written: "Bearer x", "Bearer%20x", "bearer:x", "Bearer+x", "bearer=x".</summary>
    [GeneratedRegex(@"(?i)\b(bearer|basic)(?:\s+|%20|\+|\s*[:=]\s*)[A-Za-z0-9\-._~+/%]+=*")]
    private static partial Regex AuthorizationValue();

    [GeneratedRegex(
        @"(?i)(""?\b(?:token|client-key-data|client-certificate-data|certificate-authority-data|password|client-secret)""?\s*[:=]\s*""?)[^\s"",}]+")]
    private static partial Regex CredentialField();

    [GeneratedRegex(@"-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|\z)")]
    private static partial Regex PemBlock();

    /// <summary>Shorter values are not remembered: they would redact ordinary words.</summary>
    public const int MinRememberedLength = 8;

    private static readonly ConcurrentDictionary<string, byte> Known = new(StringComparer.OrdinalIgnoreCase);
    private static volatile Regex? knownValues;

    /// <summary>
    /// A credential this process holds (a kubeconfig's token, password or client key): from now on it is redacted
    /// from every message, as written and as URL-encoded, JSON-escaped or base64-encoded, whatever its case.
    /// </summary>
    public static void Remember(string? value)
    {
        if (value is null || value.Trim().Length < MinRememberedLength) return;
        value = value.Trim();
        var added = false;
        foreach (var form in new[]
                 {
                     value, Uri.EscapeDataString(value), WebUtility.UrlEncode(value), JsonEncodedText.Encode(value).ToString(),
                     Convert.ToBase64String(Encoding.UTF8.GetBytes(value)).TrimEnd('='),
                 })
            added |= Known.TryAdd(form, 0);
        if (!added) return;
        // longest first, so a value is never half-redacted by a shorter one it contains
        knownValues = new Regex(string.Join("|", Known.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape)),
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    public static string Scrub(string text)
    {
        var scrubbed = knownValues is { } known ? known.Replace(text, "[redacted]") : text;
        return PemBlock().Replace(
            CredentialField().Replace(AuthorizationValue().Replace(scrubbed, "$1 [redacted]"), "$1[redacted]"), "[certificate data redacted]");
    }

    public static string? ScrubOrNull(string? text) => text is null ? null : Scrub(text);
}
