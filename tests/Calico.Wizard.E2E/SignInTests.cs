using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Calico.Wizard.E2E;

/// <summary>The app with sign-in on (OpenID Connect against a provider on another loopback port).</summary>
public sealed class SignInFixture : IAsyncLifetime
{
    public FakeIdentityProvider Idp { get; private set; } = default!;
    public WizardApp App { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Idp = await FakeIdentityProvider.StartAsync();
        App = await WizardApp.StartAsync(null, Idp.AppArguments);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Idp.DisposeAsync();
    }
}

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture browser, SignInFixture fixture) : IClassFixture<SignInFixture>
{
    [Fact]
    public async Task Unauthenticated_cannot_open_the_wizard_nor_provision_through_the_api()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.App.BaseUrl };

        var page = await http.GetAsync("/new");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith($"{fixture.Idp.IssuerText}/authorize", page.Headers.Location!.ToString());

        var post = await http.PostAsJsonAsync("api/clusters", new { name = "sneaky", provider = "BareOS", l2Network = "rack-x" });
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode); // a script is told so, not sent to a login page
        Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("healthz")).StatusCode); // health stays open for the load balancer
    }

    private async Task<(IBrowserContext, WizardDriver)> SignInAsync(string user, params string[] roles)
    {
        fixture.Idp.NextUser = (user, roles);
        var context = await browser.Browser.NewContextAsync();
        var wizard = new WizardDriver(await context.NewPageAsync(), fixture.App.BaseUrl, fixture.App);
        await wizard.OpenNewAsync(); // → the provider → form_post back → the wizard
        await Expect(wizard.Page.GetByTestId("signed-in-as")).ToHaveTextAsync(user);
        return (context, wizard);
    }

    [Fact]
    public async Task Signed_in_without_the_operator_role_sees_the_wizard_but_cannot_provision()
    {
        var (context, wizard) = await SignInAsync("viewer@example.com", "calico-viewer");
        await using var _ = context;
        await wizard.FillClusterStepAsync(WizardDriver.UniqueName("viewer"), "rack-viewer");
        await wizard.NextAsync("network");
        await wizard.NextAsync("policies");
        await wizard.NextAsync("review");
        await wizard.Field("submit").ClickAsync();
        await Expect(wizard.Field("submit-errors")).ToContainTextAsync("Only operators may create clusters");
    }

    [Fact]
    public async Task Operator_provisions_and_the_audit_trail_names_them()
    {
        var (context, wizard) = await SignInAsync("alice@example.com", "calico-operator");
        await using var _ = context;
        var name = WizardDriver.UniqueName("alice");
        await wizard.FillClusterStepAsync(name, "rack-alice");
        await wizard.NextAsync("network");
        await wizard.NextAsync("policies");
        await wizard.NextAsync("review");
        await wizard.Field("submit").ClickAsync();
        await Expect(wizard.Page.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = Waits.JobFinished });
        var audit = wizard.Page.GetByTestId("audit");
        await Expect(audit.GetByTestId("audit-row").Filter(new() { HasText = "Submitted" })).ToContainTextAsync("alice@example.com");
        await Expect(audit.GetByTestId("audit-row").Filter(new() { HasText = "DraftCreated" })).ToContainTextAsync("alice@example.com");
    }

    [Fact]
    public async Task A_draft_belongs_to_the_operator_who_started_it()
    {
        var (alice, aliceWizard) = await SignInAsync("alice@example.com", "calico-operator");
        await using var _ = alice;
        await aliceWizard.SavedAfterAsync(() => aliceWizard.FillAsync("cluster-name", WizardDriver.UniqueName("mine")));
        var draftUrl = aliceWizard.Page.Url;

        var (bob, bobWizard) = await SignInAsync("bob@example.com", "calico-operator");
        await using var __ = bob;
        await bobWizard.Page.GotoAsync(draftUrl);

        await Expect(bobWizard.Page.GetByTestId("draft-forbidden")).ToContainTextAsync("This draft belongs to alice@example.com");
        await Expect(bobWizard.Page.GetByTestId("step-cluster")).ToHaveCountAsync(0);
    }
}
