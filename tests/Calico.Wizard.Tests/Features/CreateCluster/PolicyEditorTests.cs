using Bunit;
using Calico.Wizard.Core.Policies;
using Calico.Wizard.Core.Rules;
using Microsoft.AspNetCore.Components;
using static Calico.Wizard.Tests.WizardDom;

namespace Calico.Wizard.Tests.Features.CreateCluster;

public sealed class PolicyEditorTests : WizardTestContext
{
    private async Task<IRenderedComponent<Calico.Wizard.Features.CreateCluster.WizardPage>> PoliciesStepAsync() =>
        await RenderWizardAsync(ValidDraft(), WizardStep.Policies);

    [Fact]
    public async Task Seed_example_fills_the_form_with_every_field_of_the_pmk_example()
    {
        var cut = await PoliciesStepAsync();

        await cut.ClickAsync("add-policy-seed-example");

        cut.WaitForAssertion(() => Assert.Equal("test-network-policy", cut.ByTestId("policy-0-name").GetAttribute("value")));
        Assert.Equal("default", cut.ByTestId("policy-0-namespace").GetAttribute("value"));
        Assert.Equal("role=db", cut.ByTestId("policy-0-pod-selector").GetAttribute("value"));
        Assert.True(cut.ByTestId("policy-0-type-ingress").IsChecked());
        Assert.True(cut.ByTestId("policy-0-type-egress").IsChecked());
        Assert.Equal("172.17.0.0/16", cut.ByTestId("policy-0-ingress-0-peer-0-cidr").GetAttribute("value"));
        Assert.Equal("172.17.1.0/24", cut.ByTestId("policy-0-ingress-0-peer-0-except").GetAttribute("value"));
        Assert.Equal("project=myproject", cut.ByTestId("policy-0-ingress-0-peer-1-ns-labels").GetAttribute("value"));
        Assert.Equal("role=frontend", cut.ByTestId("policy-0-ingress-0-peer-2-pod-labels").GetAttribute("value"));
        Assert.Equal("TCP 6379", cut.ByTestId("policy-0-ingress-0-ports").GetAttribute("value"));
        Assert.Equal("10.0.0.0/24", cut.ByTestId("policy-0-egress-0-peer-0-cidr").GetAttribute("value"));
        Assert.Equal("TCP 5978", cut.ByTestId("policy-0-egress-0-ports").GetAttribute("value"));
        Assert.False(cut.Has("policy-0-errors"));
    }

    [Fact]
    public async Task An_except_outside_its_cidr_is_named_under_the_policy_and_blocks_next_until_fixed()
    {
        var cut = await PoliciesStepAsync();
        await cut.ClickAsync("add-policy-seed-example");
        cut.WaitForElement(By("policy-0-ingress-0-peer-0-except"));

        await cut.ByTestId("policy-0-ingress-0-peer-0-except").ChangeAsync(new ChangeEventArgs { Value = "10.9.0.0/24" });

        cut.WaitForAssertion(() => Assert.Contains("10.9.0.0/24 is not inside the cidr 172.17.0.0/16", cut.TextOf("policy-0-errors")));
        await cut.ClickAsync("next");
        cut.WaitForAssertion(() => Assert.Contains("Fix the 1 problem(s)", cut.TextOf("next-blocked")));
        Assert.True(cut.Has("step-policies"));

        await cut.ByTestId("policy-0-ingress-0-peer-0-except").ChangeAsync(new ChangeEventArgs { Value = "172.17.1.0/24" });
        cut.WaitForAssertion(() => Assert.False(cut.Has("policy-0-errors")));
    }

    [Fact]
    public async Task Form_and_yaml_are_one_policy_an_edit_in_either_shows_in_the_other()
    {
        var cut = await PoliciesStepAsync();
        await cut.ClickAsync("add-policy-default-deny-ingress");
        cut.WaitForElement(By("policy-0-name"));

        await cut.ByTestId("policy-0-name").InputAsync(new ChangeEventArgs { Value = "deny-web" });
        await cut.ClickAsync("policy-0-view-yaml");
        cut.WaitForAssertion(() => Assert.Contains("name: deny-web", cut.ByTestId("policy-0-yaml").OuterHtml));

        var yaml = PolicyText.ToYaml(PolicyText.Parse(PolicyStarters.DefaultDenyIngress).Policy!).Replace("namespace: default", "namespace: shop");
        await cut.ByTestId("policy-0-yaml").InputAsync(new ChangeEventArgs { Value = yaml });
        cut.WaitForAssertion(() => Assert.Contains("shop/default-deny-ingress", cut.Markup));
        await cut.ClickAsync("policy-0-view-form");
        cut.WaitForAssertion(() => Assert.Equal("shop", cut.ByTestId("policy-0-namespace").GetAttribute("value")));
    }

    [Fact]
    public async Task Broken_yaml_names_its_line_and_the_form_waits_for_the_fix()
    {
        var cut = await PoliciesStepAsync();
        await cut.ClickAsync("add-policy-blank");
        await cut.ClickAsync("policy-0-view-yaml");
        cut.WaitForElement(By("policy-0-yaml"));

        await cut.ByTestId("policy-0-yaml").InputAsync(new ChangeEventArgs { Value = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: x\n   namespace: y\n" });

        cut.WaitForAssertion(() => Assert.Contains("YAML error on line 5", cut.TextOf("policy-0-errors")));
        await cut.ClickAsync("policy-0-view-form");
        Assert.False(cut.Has("policy-0-name")); // no form over YAML that cannot be read
        Assert.True(cut.Has("policy-0-yaml"));
    }

    [Fact]
    public async Task Yaml_typed_just_before_next_is_not_lost()
    {
        var cut = await PoliciesStepAsync();
        await cut.ClickAsync("add-policy-blank");
        await cut.ClickAsync("policy-0-view-yaml");
        cut.WaitForElement(By("policy-0-yaml"));
        var yaml = PolicyText.ToYaml(PolicyText.Parse(PolicyStarters.DefaultDenyIngress).Policy!);

        await cut.ByTestId("policy-0-yaml").InputAsync(new ChangeEventArgs { Value = yaml });
        await cut.ClickAsync("next"); // at once, as a fast hand or a script does

        cut.WaitForElement(By("step-review"));
        Assert.Contains("default/default-deny-ingress", cut.TextOf("review-policies"));
    }

    [Fact]
    public async Task Removing_a_policy_leaves_the_step_valid()
    {
        var cut = await PoliciesStepAsync();
        await cut.ClickAsync("add-policy-blank");
        cut.WaitForElement(By("policy-0-remove"));
        await cut.ClickAsync("policy-0-remove");
        cut.WaitForAssertion(() => Assert.True(cut.Has("policies-empty")));
    }
}
