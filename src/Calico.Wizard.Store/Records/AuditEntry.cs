namespace Calico.Wizard.Store;

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
