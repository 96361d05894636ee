using Calico.Wizard.Store;
using MudBlazor;

namespace Calico.Wizard.Features.Clusters;

/// <summary>How a job's state reads and looks wherever clusters are listed or shown.</summary>
public static class JobStates
{
    /// <summary>
    /// The state's name, the one word the store, the API, the docs and the UI use for it (Pending, Running, Succeeded,
    /// Failed, Cancelled), also its key in the UI's resources (show it through <c>T[…]</c>).
    /// </summary>
    public static string Text(JobState? state) => state?.ToString() ?? "—";

    public static Color Color(JobState state) => state switch
    {
        JobState.Succeeded => MudBlazor.Color.Success,
        JobState.Failed => MudBlazor.Color.Error,
        JobState.Cancelled => MudBlazor.Color.Warning,
        _ => MudBlazor.Color.Info,
    };
}
