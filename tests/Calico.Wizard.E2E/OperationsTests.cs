using System.Net;

namespace Calico.Wizard.E2E;

[Collection(BrowserCollection.Name)]
public sealed class OperationsTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Healthz_AndReadyz_ReportTheProcessTheStoreAndTheJobRunner()
    {
        using var http = new HttpClient { BaseAddress = fixture.App.BaseUrl };
        var live = await http.GetAsync("healthz");
        var ready = await http.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WithoutSignIn_TheAppRefusesToListenBeyondLoopback()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => WizardApp.StartAsync(null, "--urls=http://0.0.0.0:0"));
        Assert.Contains("Refusing to listen on http://0.0.0.0:0 without sign-in", error.Message);
    }

    [Fact]
    public async Task ReadyzFails_WhenTheStoreIsUnreachable()
    {
        await using var app = await WizardApp.StartAsync();
        File.Delete(app.DatabasePath); // the SQLite file is gone…
        Directory.CreateDirectory(app.DatabasePath); // …and a directory stands where it was: nothing can open it
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        var ready = await http.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Directory.Delete(app.DatabasePath);
    }
}
