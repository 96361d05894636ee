namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>/api/v1/[namespaces/{ns}/]{plural}[/{name}] or /apis/{group}/{version}/[namespaces/{ns}/]{plural}[/{name}].</summary>
internal sealed record ApiPath(string Prefix, string GroupVersion, string? Namespace, string Plural, string? Name)
{
    private static readonly HashSet<string> BuiltInGroups =
        ["", "apps", "apiextensions.k8s.io", "rbac.authorization.k8s.io", "policy", "networking.k8s.io", "authorization.k8s.io", "batch"];

    public string CollectionPath => Prefix + (Namespace is null ? "" : $"/namespaces/{Namespace}") + "/" + Plural;
    public string ObjectPath => CollectionPath + "/" + Name;

    /// <summary>The API group, "" for the core group.</summary>
    public string Group => GroupVersion.Contains('/') ? GroupVersion[..GroupVersion.IndexOf('/')] : "";

    public string Version => GroupVersion[(GroupVersion.IndexOf('/') + 1)..];

    /// <summary>The resource as the API server names it in its messages: "configmaps", "daemonsets.apps".</summary>
    public string Resource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The CRD that serves this resource, or null for a built-in one.</summary>
    public string? CustomResourceDefinition => BuiltInGroups.Contains(Group) ? null : $"{Plural}.{Group}";

    /// <summary>Whether the API server keeps metadata.generation: custom objects, workloads, CRDs, policies; not ConfigMaps, namespaces or RBAC.</summary>
    public bool HasGeneration => Prefix != "/api/v1" && !GroupVersion.StartsWith("rbac.", StringComparison.Ordinal);

    /// <summary>Whether this object is in <paramref name="collection"/> (a collection without a namespace spans all).</summary>
    public bool InCollection(ApiPath collection) =>
        Prefix == collection.Prefix && Plural == collection.Plural && (collection.Namespace is null || Namespace == collection.Namespace);

    public static ApiPath? Parse(string path)
    {
        var s = path.Trim('/').Split('/');
        (string prefix, string gv, string[] rest) = s switch
        {
            ["api", var v, .. var r] => ($"/api/{v}", v, r),
            ["apis", var g, var v, .. var r] => ($"/apis/{g}/{v}", $"{g}/{v}", r),
            _ => ("", "", []),
        };
        return rest switch
        {
            ["namespaces", var ns, var plural] => new ApiPath(prefix, gv, ns, plural, null),
            ["namespaces", var ns, var plural, var name] => new ApiPath(prefix, gv, ns, plural, name),
            [var plural] => new ApiPath(prefix, gv, null, plural, null),
            [var plural, var name] => new ApiPath(prefix, gv, null, plural, name),
            _ => null,
        };
    }
}
