using k8s.Models;

namespace Calico.Wizard.Core.Policies;

/// <summary>
/// The compact text forms the policy editor uses for lists ("role=db, tier=web"; "TCP 6379, UDP 53, TCP 8000-8080";
/// "10.0.0.0/24, 10.0.1.0/24"). Whatever is typed is kept in the object so the rules can say what is wrong with it.
/// </summary>
public static class PolicyForm
{
    public static string FormatLabels(IDictionary<string, string>? labels) =>
        labels is null ? "" : string.Join(", ", labels.Select(kv => string.IsNullOrEmpty(kv.Value) ? kv.Key : $"{kv.Key}={kv.Value}"));

    public static Dictionary<string, string>? ParseLabels(string? text)
    {
        var items = Items(text);
        if (items.Count == 0) return null;
        var labels = new Dictionary<string, string>();
        foreach (var item in items)
        {
            var eq = item.IndexOf('=');
            labels[(eq < 0 ? item : item[..eq]).Trim()] = eq < 0 ? "" : item[(eq + 1)..].Trim();
        }
        return labels;
    }

    public static string FormatPorts(IList<V1NetworkPolicyPort>? ports) =>
        ports is null ? "" : string.Join(", ", ports.Select(p =>
            $"{p.Protocol ?? "TCP"}{(p.Port is null ? "" : " " + p.Port.Value)}{(p.EndPort is { } end ? $"-{end}" : "")}"));

    public static List<V1NetworkPolicyPort>? ParsePorts(string? text)
    {
        var items = Items(text);
        if (items.Count == 0) return null;
        return items.Select(item =>
        {
            var parts = item.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var (protocol, rest) = parts.Length == 2 ? (parts[0].ToUpperInvariant(), parts[1])
                : parts[0].All(c => char.IsAsciiDigit(c) || c == '-') ? ("TCP", parts[0])
                : (parts[0].ToUpperInvariant() is "TCP" or "UDP" or "SCTP" ? (parts[0].ToUpperInvariant(), "") : ("TCP", parts[0]));
            var port = new V1NetworkPolicyPort { Protocol = protocol };
            var dash = rest.IndexOf('-');
            if (dash > 0 && rest[..dash].All(char.IsAsciiDigit) && int.TryParse(rest[(dash + 1)..], out var end))
            {
                port.Port = rest[..dash];
                port.EndPort = end;
            }
            else if (rest.Length > 0) port.Port = rest;
            return port;
        }).ToList();
    }

    public static string FormatList(IList<string>? items) => items is null ? "" : string.Join(", ", items);

    public static List<string>? ParseList(string? text) => Items(text) is { Count: > 0 } items ? items : null;

    private static List<string> Items(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
}
