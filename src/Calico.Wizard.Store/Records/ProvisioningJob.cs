namespace Calico.Wizard.Store;

public enum JobState { Pending, Running, Succeeded, Failed, Cancelled }

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
    /// <summary>
    /// How many times the job was claimed since its last finished step: a job whose worker dies mid-step (a crash, a
    /// step that takes its process down) is taken over at most <c>Provisioning:MaxAttempts</c> times, then fails.
    /// </summary>
    public int Attempts { get; set; }
    public List<JobStep> Steps { get; set; } = [];
    public List<JobLogLine> Log { get; set; } = [];
}
