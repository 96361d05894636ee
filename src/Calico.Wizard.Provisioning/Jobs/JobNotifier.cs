namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>Tells open cluster pages that a job moved, so progress is pushed, not polled.</summary>
public sealed class JobNotifier
{
    public event Action<Guid>? JobChanged;

    public void Notify(Guid jobId) => JobChanged?.Invoke(jobId);
}
