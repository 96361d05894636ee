namespace Calico.Wizard.Provisioning.Store;

/// <summary>A wizard draft, saved on every change so a reload, a reconnect or a restart resumes it.</summary>
public sealed class DraftRecord
{
    public Guid Id { get; set; }
    public string Json { get; set; } = "";
    public int Step { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Set once the draft was submitted: the draft then opens its cluster instead.</summary>
    public Guid? ClusterId { get; set; }
}

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
    public string Backend { get; set; } = "";
    public string SpecJson { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

public enum JobState { Pending, Running, Succeeded, Failed, Cancelled }

public enum StepState { Pending, Running, Succeeded, Failed, Skipped }

public sealed class ProvisioningJob
{
    public Guid Id { get; set; }
    public Guid ClusterId { get; set; }
    public string Target { get; set; } = "";
    public JobState State { get; set; }
    public string? Error { get; set; }
    public string? ManifestYaml { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    /// <summary>The replica running the job, and until when: another takes it over once the lease expires.</summary>
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }
    /// <summary>Cancel asked on a replica that is not running the job: the owner's heartbeat sees it.</summary>
    public bool CancelRequested { get; set; }
    public List<JobStep> Steps { get; set; } = [];
    public List<JobLogLine> Log { get; set; } = [];
}

public sealed class JobStep
{
    public Guid JobId { get; set; }
    public int Index { get; set; }
    public string Name { get; set; } = "";
    public StepState State { get; set; }
    public string? Message { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}

public sealed class JobLogLine
{
    public long Id { get; set; }
    public Guid JobId { get; set; }
    public DateTime At { get; set; }
    public string Message { get; set; } = "";
}

public enum AuditAction { DraftCreated, Submitted, Retried, Cancelled, RunAgain }

/// <summary>Who did what, and when: shown on the cluster page.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string Actor { get; set; } = "";
    public AuditAction Action { get; set; }
    public Guid? DraftId { get; set; }
    public Guid? ClusterId { get; set; }
    public Guid? JobId { get; set; }
    public string? Detail { get; set; }
}
