using System.Text.RegularExpressions;

namespace Calico.Wizard.Core.Rules;

/// <summary>Names as Kubernetes and RFC 1123 require them.</summary>
public static partial class HostName
{
    /// <summary>The longest DNS label (a cluster name).</summary>
    public const int MaxLabel = 63;

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\z")] // \z: "$" would also match before a final newline
    private static partial Regex Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"[^a-z0-9-]+")]
    private static partial Regex NotLabelChars();

    /// <summary>An RFC 1123 host name (for can-reach): labels of 1–63 letters, digits, '-', 253 characters at most.</summary>
    public static string? CheckHostName(string name)
    {
        if (name.Length > 253) return $"A host name is at most 253 characters; this one has {name.Length}.";
        var labels = name.TrimEnd('.').Split('.');
        if (labels.Any(l => l.Length == 0)) return $"'{name}' has an empty label (two dots in a row, or a leading dot).";
        if (labels.FirstOrDefault(l => !Label().IsMatch(l)) is { } bad)
            return bad.Length > 63
                ? $"The label '{bad[..20]}…' is longer than 63 characters."
                : $"'{bad}' is not a valid host name label: use letters, digits and '-', not starting or ending with '-'.";
        // RFC 1123 2.1: a top-level label is never all digits, so "300.1.1.1" is a broken address, not a name.
        if (labels[^1].All(char.IsAsciiDigit)) return $"'{name}' is neither a valid IP address nor a host name.";
        return null;
    }

    /// <summary>A DNS-1123 label, as a Kubernetes object or cluster name: lowercase, digits, '-', 63 at most.</summary>
    public static string? CheckDns1123Label(string name, string what)
    {
        if (name.Length == 0) return $"Enter a {what}: lowercase letters, digits and '-', e.g. edge-01.";
        if (name.Length > 63) return $"A {what} is at most 63 characters; this one has {name.Length}.";
        if (Dns1123Label().IsMatch(name)) return null;
        var suggestion = NotLabelChars().Replace(name.ToLowerInvariant(), "-").Trim('-');
        if (suggestion.Length > 63) suggestion = suggestion[..63].TrimEnd('-');
        return suggestion.Length > 0 && Dns1123Label().IsMatch(suggestion)
            ? $"Use lowercase letters, digits and '-', starting and ending with a letter or digit: did you mean {suggestion}?"
            : $"Use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. edge-01).";
    }
}
