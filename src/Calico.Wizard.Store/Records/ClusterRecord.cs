namespace Calico.Wizard.Store;

/// <summary>A submitted cluster: the registry the seed's "subnets must not coincide" prerequisite is checked against.</summary>
public sealed class ClusterRecord
{
    public Guid Id { get; set; }
    public Guid DraftId { get; set; }
    public string Name { get; set; } = "";
    public string Provider { get; set; } = "";
    /// <summary>Lower-cased, trimmed: the key clusters on one L2 network share.</summary>
    public string NetworkKey { get; set; } = "";
    public string L2Network { get; set; } = "";
    public string ContainersCidr { get; set; } = "";
    public string ServicesCidr { get; set; } = "";
    /// <summary>A dual-stack cluster's IPv6 ranges (null otherwise).</summary>
    public string? ContainersCidrV6 { get; set; }
    public string? ServicesCidrV6 { get; set; }

    /// <summary>Every range the cluster holds, indexed for the overlap checks (one row each).</summary>
    public List<ClusterRange> Ranges { get; set; } = [];

    public string Backend { get; set; } = "";
    public string SpecJson { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    /// <summary>
    /// The newest job's state, copied here in the same transaction as every change of it (<see cref="ClusterStates"/>),
    /// so the clusters list filters and sorts on an index instead of joining every cluster's jobs. Null before a job exists.
    /// </summary>
    public JobState? State { get; set; }
}
