namespace Calico.Wizard.Store;

/// <summary>What the last apply of an object returned, so a re-run can say "unchanged" without asking twice.</summary>
public sealed class AppliedObject
{
    public Guid ClusterId { get; set; }
    public string Target { get; set; } = "";
    public string Key { get; set; } = "";
    /// <summary>When our field manager's fields last changed (or the resourceVersion, for servers without managedFields).</summary>
    public string? Mark { get; set; }
    public DateTime AppliedAt { get; set; }
}
