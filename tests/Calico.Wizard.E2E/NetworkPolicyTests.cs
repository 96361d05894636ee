using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

[Collection(BrowserCollection.Name)]
public sealed class NetworkPolicyTests(BrowserFixture fixture) : IAsyncLifetime
{
    private IBrowserContext context = default!;
    private WizardDriver wizard = default!;

    public async Task InitializeAsync()
    {
        context = await fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 } });
        wizard = new WizardDriver(await context.NewPageAsync(), fixture.App.BaseUrl, fixture.App);
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task Seed_example_broken_except_is_caught_fixed_and_provisioned()
    {
        var name = WizardDriver.UniqueName("pol");
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(name, "rack-pol");
        await wizard.NextAsync("network");
        await wizard.NextAsync("policies");

        await wizard.Field("add-policy-seed-example").ClickAsync();
        var except = wizard.Field("policy-0-ingress-0-peer-0-except");
        await Expect(except).ToHaveValueAsync("172.17.1.0/24");
        await Expect(wizard.Field("policy-0-ingress-0-peer-0-cidr")).ToHaveValueAsync("172.17.0.0/16");
        await Expect(wizard.Field("policy-0-pod-selector")).ToHaveValueAsync("role=db");
        await Expect(wizard.Field("policy-0-ingress-0-ports")).ToHaveValueAsync("TCP 6379");

        await except.FillAsync("10.9.0.0/24");
        await except.PressAsync("Tab");
        await Expect(wizard.Field("policy-0-errors")).ToContainTextAsync("10.9.0.0/24 is not inside the cidr 172.17.0.0/16");
        await wizard.Field("next").ClickAsync();
        await Expect(wizard.Field("next-blocked")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("step-policies")).ToBeVisibleAsync();

        await except.FillAsync("172.17.1.0/24");
        await except.PressAsync("Tab");
        await Expect(wizard.Field("policy-0-errors")).ToHaveCountAsync(0);

        await wizard.NextAsync("review");
        await Expect(wizard.Field("review-policies")).ToContainTextAsync("default/test-network-policy");
        var yaml = wizard.Field("review-yaml");
        await Expect(yaml).ToContainTextAsync("kind: NetworkPolicy");
        await Expect(yaml).ToContainTextAsync("- 172.17.1.0/24");

        await wizard.Field("submit").ClickAsync();
        await Expect(Page.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = Waits.JobFinished });
        await Expect(Page.GetByTestId("cluster-yaml")).ToContainTextAsync("name: test-network-policy");
        await Expect(Page.GetByTestId("job-steps")).ToContainTextAsync("NetworkPolicy/default/test-network-policy");
    }

    [Fact]
    public async Task Pasted_yaml_with_an_error_names_its_line_and_the_form_follows_the_fix()
    {
        await wizard.OpenNewAsync();
        await wizard.FillClusterStepAsync(WizardDriver.UniqueName("yaml"), "rack-yaml");
        await wizard.NextAsync("network");
        await wizard.NextAsync("policies");
        await wizard.Field("add-policy-blank").ClickAsync();
        await wizard.Field("policy-0-view-yaml").ClickAsync();

        var editor = wizard.Field("policy-0-yaml");
        await editor.FillAsync("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels:\n      app: web\n   policyTypes: [Ingress]\n");
        await Expect(wizard.Field("policy-0-errors")).ToContainTextAsync("YAML error on line 10");

        await editor.FillAsync("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels:\n      app: web\n  policyTypes: [Ingress]\n  ingress:\n  - ports:\n    - port: 8080\n");
        await Expect(wizard.Field("policy-0-errors")).ToHaveCountAsync(0);
        await wizard.Field("policy-0-view-form").ClickAsync();
        await Expect(wizard.Field("policy-0-name")).ToHaveValueAsync("web");
        await Expect(wizard.Field("policy-0-namespace")).ToHaveValueAsync("shop");
        await Expect(wizard.Field("policy-0-pod-selector")).ToHaveValueAsync("app=web");
        await Expect(wizard.Field("policy-0-ingress-0-ports")).ToHaveValueAsync("TCP 8080");
    }

    private IPage Page => wizard.Page;
}
