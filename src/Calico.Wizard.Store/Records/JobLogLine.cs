namespace Calico.Wizard.Store;

public sealed class JobLogLine
{
    public long Id { get; set; }
    public Guid JobId { get; set; }
    public DateTime At { get; set; }
    public string Message { get; set; } = "";
}
