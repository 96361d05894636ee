namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>When the fake's TigeraStatus calico reports Available.</summary>
public enum CalicoReadiness
{
    /// <summary>Shortly after the Installation is applied: Progressing first, then Available (a MODIFIED event).</summary>
    AfterInstallationApplied,
    /// <summary>
    /// Only when a test calls <see cref="FakeKubeApi.SetCalicoAvailable"/>: after the Installation is applied, calico
    /// exists but stays Degraded (<see cref="FakeKubeApi.DegradedMessage"/>), as when calico-node cannot start.
    /// </summary>
    Never,
    /// <summary>TigeraStatus calico is never created (the operator does not run), until a test calls <see cref="FakeKubeApi.SetCalicoAvailable"/>.</summary>
    NoTigeraStatus,
}

/// <summary>
/// What the cluster's controllers do once an object is applied: the Tigera operator reports calico, the API server
/// establishes a CRD, the DaemonSet controller rolls pods out. Each reaction comes a moment after the apply that
/// caused it, so a watch sees it as a change, and is noted in the journal.
/// </summary>
internal sealed class FakeControllers(FakeObjectStore store, FakeJournal journal, CancellationToken stopping)
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    public CalicoReadiness CalicoReadiness { get; set; } = CalicoReadiness.AfterInstallationApplied;

    /// <summary>Whether an applied CustomResourceDefinition becomes Established (shortly after, as a MODIFIED event).</summary>
    public bool EstablishCrds { get; set; } = true;

    /// <summary>Whether the kube-flannel-ds DaemonSet's pods become ready after it is created or its template changes (0/3, then 3/3).</summary>
    public bool FlannelBecomesReady { get; set; } = true;

    /// <summary>TigeraStatus calico becomes Available (ADDED or MODIFIED on open watches).</summary>
    public void SetCalicoAvailable() => store.Put(FakeKubeApi.CalicoStatusPath, FakeKubeObjects.TigeraStatus(available: true));

    /// <summary>What the cluster's controllers would do once an object is applied (not a dry run) and changed.</summary>
    public void AfterApply(ApiPath p, bool specChanged)
    {
        if (p.ObjectPath == FakeKubeApi.InstallationPath && CalicoReadiness != CalicoReadiness.NoTigeraStatus
            && !FakeKubeObjects.IsAvailable(store.Get(FakeKubeApi.CalicoStatusPath)))
        {
            var never = CalicoReadiness == CalicoReadiness.Never;
            store.Put(FakeKubeApi.CalicoStatusPath, FakeKubeObjects.TigeraStatus(available: false, degraded: never));
            if (!never)
            {
                Later(() =>
                {
                    SetCalicoAvailable();
                    journal.Note("TigeraStatus calico Available");
                });
            }
        }
        if (p.Plural == "customresourcedefinitions" && EstablishCrds && !FakeKubeObjects.IsEstablished(store.Get(p.ObjectPath)))
        {
            Later(() =>
            {
                if (store.Get(p.ObjectPath) is not { } crd || FakeKubeObjects.IsEstablished(crd)) return;
                crd["status"] = FakeKubeObjects.EstablishedStatus();
                store.Put(p.ObjectPath, crd);
                journal.Note($"CRD {p.Name} Established");
            });
        }
        if (p.Plural == "daemonsets" && specChanged && store.Get(p.ObjectPath) is { } ds)
        {
            // the DaemonSet controller rolls the pods of a new template: none updated, then all (unless Flannel is told not to come up)
            var generation = FakeKubeObjects.Long(ds["metadata"]?["generation"]) ?? 1;
            store.UpdateStatus(p.ObjectPath, FakeKubeObjects.DaemonSetStatus(desired: 3, ready: 0, updated: 0, generation));
            if (p.ObjectPath != FakeKubeApi.FlannelDaemonSetPath || FlannelBecomesReady)
            {
                Later(() =>
                {
                    store.UpdateStatus(p.ObjectPath, FakeKubeObjects.DaemonSetStatus(desired: 3, ready: 3, updated: 3, generation));
                    journal.Note($"DaemonSet {p.Name} ready");
                });
            }
        }
    }

    /// <summary>A controller's reaction, a moment after the apply that caused it (so watches see it as a change).</summary>
    private void Later(Action action) => _ = Task.Run(async () =>
    {
        try
        {
            await Task.Delay(Settle, stopping);
            action();
        }
        catch (OperationCanceledException)
        {
            // the fake stopped first
        }
    });
}
