using System.Net;

namespace Calico.Wizard.E2E;

[Collection(BrowserCollection.Name)]
public sealed class OperationsTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Healthz_and_readyz_report_the_process_the_store_and_the_job_runner()
    {
        using var http = new HttpClient { BaseAddress = fixture.App.BaseUrl };
        var live = await http.GetAsync("healthz");
        var ready = await http.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_sign_in_the_app_refuses_to_listen_beyond_loopback()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => WizardApp.StartAsync(null, "--urls=http://0.0.0.0:0"));
        Assert.Contains("Refusing to listen on http://0.0.0.0:0 without sign-in", error.Message);
    }

    [Theory]
    [InlineData("--Kestrel:Endpoints:Http:Url=http://0.0.0.0:0")] // reported: the guard read only "urls"
    [InlineData("--Kestrel:Endpoints:Http:Url=http://[::]:0")]
    public async Task Without_sign_in_the_app_stops_when_kestrel_was_bound_beyond_loopback_by_any_setting(string binding)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => WizardApp.StartAsync(null, "--urls=", binding));
        Assert.Contains("Refusing to serve", error.Message);
    }

    [Fact]
    public async Task Readyz_fails_when_the_store_is_unreachable()
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
