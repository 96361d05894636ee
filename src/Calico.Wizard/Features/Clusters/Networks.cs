namespace Calico.Wizard.Features.Clusters;

/// <summary>Where a network's address map lives.</summary>
public static class Networks
{
    public static string Url(string provider, string network) => $"/networks/{Uri.EscapeDataString(provider)}/{Uri.EscapeDataString(network.Trim())}";
}
