namespace Calico.Wizard.Core.Input;

/// <summary>
/// What any input may hold, checked before anything parses it: the wizard, the API, spec files, the embed's
/// prefill and the provisioner's re-check all meet the same bounds (the README's Security section lists them).
/// </summary>
public static class InputLimits
{
    /// <summary>Network policies in one draft.</summary>
    public const int MaxPolicies = 50;

    /// <summary>One policy's YAML, in UTF-8 bytes.</summary>
    public const int MaxPolicyBytes = 64 * 1024;

    /// <summary>
    /// YAML nodes (scalars, mappings, sequences) in one policy. Reading a policy costs a few microseconds a node, so
    /// this bounds the work one policy can ask for: 64 KB of real rules (ipBlocks, selectors, ports) holds fewer than
    /// 18,000; only degenerate text (thousands of two-letter list items) passes it.
    /// </summary>
    public const int MaxPolicyNodes = 20_000;

    /// <summary>Patterns in a skip-interface list.</summary>
    public const int MaxSkipPatterns = 16;

    /// <summary>Node subnets an operator lists (the node network); more is a network to summarise, not to enumerate.</summary>
    public const int MaxNodeNetworks = 16;

    /// <summary>Nesting of mappings and sequences in any YAML or JSON document we read.</summary>
    public const int MaxDepth = 32;

    /// <summary>A spec file or prefill: every field plus the most policies allowed.</summary>
    public const int MaxSpecFileBytes = MaxPolicies * MaxPolicyBytes + 64 * 1024;

    /// <summary>An API request body (a draft as JSON): the spec file's bound, with room for JSON's escaping.</summary>
    public const int MaxRequestBytes = 2 * MaxSpecFileBytes;

    /// <summary>Kubernetes' own limit on a ConfigMap's data (e.g. kubeadm-config, read from a target cluster).</summary>
    public const int MaxConfigMapBytes = 1024 * 1024;

    /// <summary>Kubernetes' own limit on all of an object's annotations together.</summary>
    public const int MaxAnnotationBytes = 256 * 1024;
}
