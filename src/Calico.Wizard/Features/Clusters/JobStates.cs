using Calico.Wizard.Store;
using MudBlazor;

namespace Calico.Wizard.Features.Clusters;

/// <summary>How a job's state reads and looks wherever clusters are listed or shown.</summary>
public static class JobStates
{
    /// <summary>The state's English name, also its key in the UI's resources (show it through <c>T[…]</c>).</summary>
    public static string Text(JobState? state) => state switch
    {
        null => "—",
        JobState.Succeeded => "Ready",
        JobState.Pending => "Queued",
        _ => state.Value.ToString(),
    };

    public static Color Color(JobState state) => state switch
    {
        JobState.Succeeded => MudBlazor.Color.Success,
        JobState.Failed => MudBlazor.Color.Error,
        JobState.Cancelled => MudBlazor.Color.Warning,
        _ => MudBlazor.Color.Info,
    };
}
