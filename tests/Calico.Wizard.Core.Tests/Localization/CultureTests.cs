using System.Globalization;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Resources;
using Calico.Wizard.Core.Policies;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Core.Tests.Localization;

/// <summary>Numbers per culture, labels per language, and no text kept from one culture for another.</summary>
public sealed class CultureTests
{
    [Fact]
    public void The_machine_runs_the_tests_in_English()
    {
        // The suite asserts English messages under whatever culture the machine has: it must read the neutral resources.
        Assert.Equal("en", CultureInfo.CurrentUICulture.Equals(CultureInfo.InvariantCulture) ? "en" : CultureInfo.CurrentUICulture.TwoLetterISOLanguageName);
    }

    [Fact]
    public void Capacity_counts_are_written_per_culture()
    {
        var capacity = BlockCapacity.Of(16, 26, NetworkStack.IPv4);

        Assert.Equal("64 IPs per node · up to 1,024 nodes", Cultures.In(Cultures.English, capacity.Describe));
        Assert.Equal("64 IPs pro Knoten · bis zu 1.024 Knoten", Cultures.In(Cultures.German, capacity.Describe));
        Assert.Equal("64 IPs per node · up to 1,024 nodes", Cultures.In(CultureInfo.InvariantCulture, capacity.Describe));
    }

    [Fact]
    public void An_English_page_on_a_German_server_still_writes_English_digits()
    {
        // CurrentCulture de-DE with the neutral UI culture: the message is English, so is its number format.
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = Cultures.German;
            Assert.Equal("1,024 IPs per node · up to 64 nodes", BlockCapacity.Of(16, 22, NetworkStack.IPv4).Describe());
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public async Task Counts_get_German_separators_but_MTUs_prefixes_and_addresses_do_not()
    {
        var services = await Cultures.InAsync(Cultures.German, async () => (await TestDrafts.Valid(d => d.ServicesCidr = "10.0.0.0/8").CheckAsync()).FirstErrorFor(nameof(ClusterDraft.ServicesCidr)));
        Assert.Equal("10.0.0.0/8 hat 16.777.216 Adressen; Kubernetes erlaubt höchstens 1.048.576: verwenden Sie ein Präfix /12 oder länger.", services);

        var mtu = await Cultures.InAsync(Cultures.German, async () => (await TestDrafts.Valid(d => d.Mtu = "9000", d => d.NodeNetworkMtu = "9000").CheckAsync())
            .Warnings.Single(w => w.PropertyName == nameof(ClusterDraft.Mtu)).ErrorMessage);
        Assert.Contains("IP-in-IP fügt 20 Bytes hinzu: in einem Netzwerk mit MTU 9000 sollte die Pod-MTU höchstens 8980 betragen; mit 9000", mtu);

        var nodes = await Cultures.InAsync(Cultures.German, async () => (await TestDrafts.Valid(d => d.PlannedNodes = "2000", d => d.BlockSize = "26", d => d.ContainersCidr = "10.20.0.0/17").CheckAsync())
            .FirstErrorFor(nameof(ClusterDraft.BlockSize)));
        Assert.Equal("2000 geplante Knoten passen nicht: Blockgröße 26 in einem /17 erlaubt höchstens 512 Knoten. Verwenden Sie Blockgröße 28 oder größer, oder einen größeren Container-CIDR.", nodes);
    }

    /// <summary>The labels as the wizard showed them before localization: English must not move.</summary>
    public static TheoryData<string, string, string> Labels() => new()
    {
        { nameof(ClusterDraft.Name), "Cluster name", "Clustername" },
        { nameof(ClusterDraft.Provider), "Provider", "Anbieter" },
        { nameof(ClusterDraft.MachineKind), "Machines", "Maschinen" },
        { nameof(ClusterDraft.L2Network), "L2 network", "L2-Netzwerk" },
        { nameof(ClusterDraft.PlannedNodes), "Planned nodes", "Geplante Knoten" },
        { nameof(ClusterDraft.Target), "Deploy to", "Bereitstellen auf" },
        { nameof(ClusterDraft.NetworkStack), "Network stack", "Netzwerk-Stack" },
        { nameof(ClusterDraft.ContainersCidr), "Containers CIDR", "Container-CIDR" },
        { nameof(ClusterDraft.ServicesCidr), "Services CIDR", "Service-CIDR" },
        { nameof(ClusterDraft.ContainersCidrV6), "IPv6 Containers CIDR", "IPv6-Container-CIDR" },
        { nameof(ClusterDraft.ServicesCidrV6), "IPv6 Services CIDR", "IPv6-Service-CIDR" },
        { nameof(ClusterDraft.Backend), "Network backend", "Netzwerk-Backend" },
        { nameof(ClusterDraft.NodeNetworks), "Node network", "Knotennetzwerk" },
        { nameof(ClusterDraft.EncapsulationMode), "IP in IP Encapsulation Mode", "IP-in-IP-Kapselungsmodus" },
        { nameof(ClusterDraft.Overlay), "Encapsulation protocol", "Kapselungsprotokoll" },
        { nameof(ClusterDraft.Bgp), "BGP", "BGP" },
        { nameof(ClusterDraft.NatOutgoing), "NAT Outgoing", "Ausgehendes NAT" },
        { nameof(ClusterDraft.BlockSize), "Block Size", "Blockgröße" },
        { nameof(ClusterDraft.BlockSizeV6), "IPv6 Block Size", "IPv6-Blockgröße" },
        { nameof(ClusterDraft.Mtu), "MTU Size", "MTU-Größe" },
        { nameof(ClusterDraft.MtuAuto), "MTU auto-detection", "Automatische MTU-Erkennung" },
        { nameof(ClusterDraft.NodeNetworkMtu), "Node network MTU", "MTU des Knotennetzwerks" },
        { nameof(ClusterDraft.NodeAddressDetection), "Interface Detection Method", "Methode der Schnittstellenerkennung" },
        { nameof(ClusterDraft.NodeAddressDetectionValue), "Interface Detection Method", "Methode der Schnittstellenerkennung" },
        { nameof(ClusterDraft.NodeAddressDetectionV6), "IPv6 Interface Detection Method", "Methode der IPv6-Schnittstellenerkennung" },
        { nameof(ClusterDraft.NodeAddressDetectionValueV6), "IPv6 Interface Detection Method", "Methode der IPv6-Schnittstellenerkennung" },
        { nameof(ClusterDraft.Dataplane), "Dataplane", "Datenebene" },
        { nameof(ClusterDraft.AdvancedOpen), "Advanced", "Erweitert" },
        { nameof(ClusterDraft.NetworkPolicies), "Network policies", "Netzwerkrichtlinien" },
    };

    [Theory]
    [MemberData(nameof(Labels))]
    public void A_label_is_English_as_before_and_German_under_de(string property, string english, string german)
    {
        Assert.Equal(english, Cultures.In(Cultures.English, () => DraftFields.LabelOf(property)));
        Assert.Equal(english, Cultures.In(CultureInfo.InvariantCulture, () => DraftFields.Find(property)!.Label));
        Assert.Equal(german, Cultures.In(Cultures.German, () => DraftFields.LabelOf(property)));
        Assert.Equal(german, Cultures.In(CultureInfo.GetCultureInfo("de-AT"), () => DraftFields.LabelOf(property)));
    }

    [Fact]
    public void Every_field_names_a_label_and_help_that_both_languages_have()
    {
        // derived from the field map: a new field needs its label in both resource files, not a row here
        foreach (var field in DraftFields.All)
            foreach (var name in new[] { field.LabelName, field.HelpName }.OfType<string>())
            {
                Assert.False(string.IsNullOrWhiteSpace(Cultures.In(Cultures.English, () => Messages.ResourceManager.GetString(name))), $"{field.Property}: {name} has no English text");
                var german = Messages.ResourceManager.GetResourceSet(CultureInfo.GetCultureInfo("de"), createIfNotExists: true, tryParents: false)!.GetString(name);
                Assert.False(string.IsNullOrWhiteSpace(german), $"{field.Property}: {name} has no German text");
            }
        // the labels of the last release stay as they were (the table above)
        Assert.Empty(Labels().Select(row => (string)row[0]).Except(DraftFields.All.Select(f => f.Property)));
        Assert.Equal("Netzwerkrichtlinien", Cultures.In(Cultures.German, () => DraftFields.LabelOf("NetworkPolicies[3]")));
    }

    [Fact]
    public void Static_maps_hand_out_the_language_of_each_call_not_of_the_first()
    {
        // The field map, the starters and the capacity line are built once per process; their text is read per call.
        Assert.Equal("Blockgröße", Cultures.In(Cultures.German, () => DraftFields.LabelOf(nameof(ClusterDraft.BlockSize))));
        Assert.Equal("Block Size", Cultures.In(Cultures.English, () => DraftFields.LabelOf(nameof(ClusterDraft.BlockSize))));
        Assert.Equal("Default deny ingress", Cultures.In(Cultures.English, () => PolicyStarters.All[1].Title));
        Assert.Equal("Eingehenden Verkehr standardmäßig blockieren", Cultures.In(Cultures.German, () => PolicyStarters.All[1].Title));
        var reviewGerman = Cultures.In(Cultures.German, () => DraftFields.Find(nameof(ClusterDraft.BlockSize))!.Show!(TestDrafts.Valid()));
        var reviewEnglish = Cultures.In(Cultures.English, () => DraftFields.Find(nameof(ClusterDraft.BlockSize))!.Show!(TestDrafts.Valid()));
        Assert.Equal("/26 (64 IPs pro Knoten · bis zu 1.024 Knoten)", reviewGerman);
        Assert.Equal("/26 (64 IPs per node · up to 1,024 nodes)", reviewEnglish);
    }

    [Fact]
    public async Task One_rules_object_and_one_registry_memo_serve_each_culture_its_own_language()
    {
        // As the host shares ClusterRules and a wizard's memo across requests: the memo keeps the registry's answer (data),
        // the message is written for each check in the culture it runs under, at the same time too.
        var registry = new FakeClusterRegistry(("BareOS", FakeClusterRegistry.Cluster("taken", "rack-1", "10.30.0.0/16", "10.31.0.0/16")));
        var memo = new RegistryMemo(registry);
        var rules = new ClusterRules(ProviderMatrix.Seed, registry);
        var draft = TestDrafts.Valid(d => d.Name = "taken", d => d.L2Network = "rack-1");

        async Task<string> NameError(CultureInfo culture) =>
            await Cultures.InAsync(culture, async () => { await Task.Yield(); return (await rules.CheckAsync(draft, memo)).FirstErrorFor(nameof(ClusterDraft.Name))!; });

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => NameError(i % 2 == 0 ? Cultures.German : Cultures.English)));

        for (var i = 0; i < answers.Length; i++)
            Assert.Equal(i % 2 == 0 ? "Ein Cluster namens 'taken' existiert bereits: wählen Sie einen anderen Namen." : "A cluster named 'taken' already exists: choose another name.", answers[i]);
    }
}
