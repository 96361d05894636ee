namespace Calico.Wizard.Store;

/// <summary>A wizard draft, saved on every change so a reload, a reconnect or a restart resumes it.</summary>
public sealed class DraftRecord
{
    public Guid Id { get; set; }
    public string Json { get; set; } = "";
    public int Step { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Set once the draft was submitted: the draft then opens its cluster instead.</summary>
    public Guid? ClusterId { get; set; }
    /// <summary>Who created it (the audit's name for them): with sign-in on, only they may open or submit it.</summary>
    public string? Owner { get; set; }
}
