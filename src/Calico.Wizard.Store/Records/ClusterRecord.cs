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
    /// <summary>First and last address of each range as <see cref="Core.Addresses.AddressKey"/>: what the overlap index seeks on.</summary>
    public string ContainersFirst { get; set; } = "";
    public string ContainersLast { get; set; } = "";
    public string ServicesFirst { get; set; } = "";
    public string ServicesLast { get; set; } = "";
    /// <summary>A dual-stack cluster's IPv6 ranges (null otherwise), with their overlap keys like the ones above.</summary>
    public string? ContainersCidrV6 { get; set; }
    public string? ServicesCidrV6 { get; set; }
    public string? ContainersV6First { get; set; }
    public string? ContainersV6Last { get; set; }
    public string? ServicesV6First { get; set; }
    public string? ServicesV6Last { get; set; }

    /// <summary>The overlap keys' columns, for the model's indexes and collation.</summary>
    public static readonly string[] OverlapKeys =
    [
        nameof(ContainersFirst), nameof(ContainersLast), nameof(ServicesFirst), nameof(ServicesLast),
        nameof(ContainersV6First), nameof(ContainersV6Last), nameof(ServicesV6First), nameof(ServicesV6Last),
    ];
    public string Backend { get; set; } = "";
    public string SpecJson { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    /// <summary>
    /// The newest job's state, copied here in the same transaction as every change of it (<see cref="ClusterStates"/>),
    /// so the clusters list filters and sorts on an index instead of joining every cluster's jobs. Null before a job exists.
    /// </summary>
    public JobState? State { get; set; }
}
