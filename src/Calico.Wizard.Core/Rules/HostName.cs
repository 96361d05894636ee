using System.Text.RegularExpressions;
using Calico.Wizard.Core.Resources;

namespace Calico.Wizard.Core.Rules;

/// <summary>What a DNS-1123 label names, so its messages can say so in each language.</summary>
public enum LabelKind { ClusterName, Namespace }

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
        if (name.Length > 253) return Text.Format(Messages.HostNameTooLong, name.Length);
        var labels = name.TrimEnd('.').Split('.');
        if (labels.Any(l => l.Length == 0)) return Text.Format(Messages.HostNameEmptyLabel, name);
        if (labels.FirstOrDefault(l => !Label().IsMatch(l)) is { } bad)
            return bad.Length > 63
                ? Text.Format(Messages.HostNameLabelTooLong, bad[..20])
                : Text.Format(Messages.HostNameBadLabel, bad);
        // RFC 1123 2.1: a top-level label is never all digits, so "300.1.1.1" is a broken address, not a name.
        if (labels[^1].All(char.IsAsciiDigit)) return Text.Format(Messages.HostNameNeither, name);
        return null;
    }

    /// <summary>A DNS-1123 label, as a Kubernetes object or cluster name: lowercase, digits, '-', 63 at most.</summary>
    public static string? CheckDns1123Label(string name, LabelKind what) => name.Length switch
    {
        0 => what == LabelKind.Namespace ? Messages.NamespaceEmpty : Messages.ClusterNameEmpty,
        > 63 => Text.Format(what == LabelKind.Namespace ? Messages.NamespaceTooLong : Messages.ClusterNameTooLong, name.Length),
        _ => CheckLabelText(name),
    };

    /// <summary>The same for a label the caller names itself: <paramref name="what"/> in the current UI language ("" when only validity is asked).</summary>
    public static string? CheckDns1123Label(string name, string what) => name.Length switch
    {
        0 => Text.Format(Messages.LabelEmpty, what),
        > 63 => Text.Format(Messages.LabelTooLong, what, name.Length),
        _ => CheckLabelText(name),
    };

    private static string? CheckLabelText(string name)
    {
        if (Dns1123Label().IsMatch(name)) return null;
        var suggestion = NotLabelChars().Replace(name.ToLowerInvariant(), "-").Trim('-');
        if (suggestion.Length > 63) suggestion = suggestion[..63].TrimEnd('-');
        return suggestion.Length > 0 && Dns1123Label().IsMatch(suggestion)
            ? Text.Format(Messages.LabelDidYouMean, suggestion)
            : Messages.LabelInvalid;
    }
}
