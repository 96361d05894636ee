namespace Calico.Wizard.Store;

public enum StepState { Pending, Running, Succeeded, Failed, Skipped }

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
