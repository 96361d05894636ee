using k8s;
using k8s.Models;
using Calico.Wizard.Core.Input;
using Calico.Wizard.Core.Resources;
using YamlDotNet.Core;

namespace Calico.Wizard.Core.Policies;

/// <summary>A policy as the operator wrote it: parsed, or the YAML error with its line.</summary>
public sealed record ParsedPolicy(V1NetworkPolicy? Policy, string? YamlError);

/// <summary>YAML ⇄ NetworkPolicy, through KubernetesYaml so the text and the form never disagree.</summary>
public static class PolicyText
{
    public const string ApiVersion = "networking.k8s.io/v1", Kind = "NetworkPolicy";

    public static ParsedPolicy Parse(string? yaml)
    {
        if (string.IsNullOrWhiteSpace(yaml)) return new(null, Messages.PolicyEmptyStart);
        var scan = BoundedYaml.Scan(yaml, InputLimits.MaxPolicyBytes, Messages.DocumentPolicy, InputLimits.MaxPolicyNodes);
        if (scan.Refused is { } refused) return new(null, refused);
        try
        {
            // What the document says it is comes from the gate's own walk: it is deserialized once, as a NetworkPolicy.
            var (apiVersion, kind) = (scan.TopLevel.GetValueOrDefault("apiVersion"), scan.TopLevel.GetValueOrDefault("kind"));
            if (scan.RootIsMapping && (apiVersion != ApiVersion || kind != Kind))
                return new(null, Text.Format(Messages.PolicyWrongKind, ApiVersion, Kind,
                    $"{apiVersion ?? Messages.PolicyNoApiVersion} {kind ?? Messages.PolicyNoKind}"));
            var policy = KubernetesYaml.Deserialize<V1NetworkPolicy>(yaml, strict: true); // a list or a scalar: the deserializer names the YAML error
            return policy is not null ? new(policy, null)
                : scan.RootIsMapping ? new(null, Messages.PolicyEmpty)
                : new(null, Text.Format(Messages.PolicyWrongKind, ApiVersion, Kind, Messages.PolicyNothing)); // a null document
        }
        catch (YamlException e)
        {
            var reason = (e.InnerException ?? e).Message;
            var cut = reason.LastIndexOf("): ", StringComparison.Ordinal);
            if (cut >= 0) reason = reason[(cut + 3)..];
            var (line, column) = (e.Start.Line, e.Start.Column);
            // YamlDotNet marks a tab in the indentation at the start of the enclosing node (often line 1): name the tab's line.
            if (reason.Contains(" tab ", StringComparison.Ordinal) && FirstTabIndentedLine(yaml, from: line) is { } tabLine)
                (line, column, reason) = (tabLine, 1, Text.Format(Messages.YamlIndentWithSpaces, YamlReasons.Say(reason)));
            else reason = YamlReasons.Say(reason);
            return new(null, Text.Format(Messages.YamlError, line, column, reason));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (not a YamlException) when the text ends inside a flow { … } or [ … ].
            var at = ScanFailure(yaml);
            return new(null, Text.Format(Messages.YamlError, at.Line, at.Column, Messages.YamlUnclosedFlow));
        }
    }

    private static int? FirstTabIndentedLine(string yaml, long from)
    {
        var lines = yaml.Split('\n');
        for (var i = (int)Math.Max(from - 1, 0); i < lines.Length; i++)
            if (lines[i].TakeWhile(char.IsWhiteSpace).Contains('\t')) return i + 1;
        return null;
    }

    private static Mark ScanFailure(string yaml)
    {
        var scanner = new Scanner(new StringReader(yaml));
        try { while (scanner.MoveNext()) { } }
        catch (Exception e) when (e is YamlException or InvalidOperationException) { }
        return scanner.CurrentPosition;
    }

    /// <summary>
    /// A policy as <see cref="ToYaml"/> wrote it (a spec's, a stored manifest's): text this service produced from a
    /// policy the rules accepted, read without the operator's 64 KB gate, which the writing may pass.
    /// </summary>
    public static V1NetworkPolicy ParseWritten(string yaml) =>
        KubernetesYaml.Deserialize<V1NetworkPolicy>(yaml, strict: true) ?? throw new ArgumentException("an empty policy", nameof(yaml));

    public static string ToYaml(V1NetworkPolicy policy)
    {
        policy.ApiVersion = ApiVersion;
        policy.Kind = Kind;
        return KubernetesYaml.Serialize(policy).Replace("\r\n", "\n");
    }
}
