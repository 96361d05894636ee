using Calico.Wizard.Core.Drafts;

namespace Calico.Wizard.Provisioning.Tests;

/// <summary>Test data builder: a valid BareOS / Calico / IPv4 draft at PMK's defaults, changed by mutation lambdas.</summary>
public static class TestDrafts
{
    public static ClusterDraft Valid(params Action<ClusterDraft>[] changes)
    {
        var draft = new ClusterDraft { Provider = "BareOS", Name = "edge-01", L2Network = "rack-1" };
        foreach (var change in changes) change(draft);
        return draft;
    }
}
