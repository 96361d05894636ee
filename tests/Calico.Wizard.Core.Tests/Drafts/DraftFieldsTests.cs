using System.Reflection;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;

namespace Calico.Wizard.Core.Tests.Drafts;

/// <summary>The one field map: every field of the draft is in it once, and the spec file speaks its keys.</summary>
public sealed class DraftFieldsTests
{
    private static string[] Editable(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.Name != nameof(ClusterDraft.Id)).Select(p => p.Name).Order().ToArray();

    [Fact]
    public void Every_field_of_the_draft_is_in_the_field_map_once()
    {
        Assert.Equal(Editable(typeof(ClusterDraft)), DraftFields.All.Select(f => f.Property).Order().ToArray());
    }

    [Fact]
    public void The_spec_file_has_a_key_for_every_field_and_no_other()
    {
        var written = DraftFile.Write(Valid(d => d.Target = "lab", d => d.NodeAddressDetectionValue = "eth0", d => d.NodeAddressDetectionValueV6 = "eth1", d => d.NetworkPolicies = ["x"], d => d.NodeNetworks = "192.168.0.0/24"));
        foreach (var field in DraftFields.All)
            Assert.Contains($"\n{field.Key}:", written);
        var (read, error) = DraftFile.Read(written);
        Assert.Null(error);
        Assert.Equal(DraftFields.All.Select(f => f.Key), read!.Values.Select(v => v.Field.Key));
    }

    [Theory]
    [InlineData(nameof(ClusterDraft.ContainersCidr), "Containers CIDR", WizardStep.Network)]
    [InlineData(nameof(ClusterDraft.Target), "Deploy to", WizardStep.Cluster)]
    [InlineData("NetworkPolicies[3]", "Network policies", WizardStep.Policies)]
    public void A_validation_property_finds_its_label_and_step(string property, string label, WizardStep step)
    {
        Assert.Equal(label, DraftFields.LabelOf(property));
        Assert.Equal(step, DraftFields.StepOf(property));
    }

    [Fact]
    public void Review_shows_calico_settings_only_for_a_calico_cluster()
    {
        string? Shown(ClusterDraft d) => DraftFields.All.Single(f => f.Property == nameof(ClusterDraft.BlockSize)).Show!(d);

        Assert.Equal("/26 (64 IPs per node · up to 1,024 nodes)", Shown(Valid()));
        Assert.Null(Shown(Valid(d => d.Backend = NetworkBackend.Flannel)));
    }

    private static ClusterDraft Valid(params Action<ClusterDraft>[] changes) => TestDrafts.Valid(changes);
}
