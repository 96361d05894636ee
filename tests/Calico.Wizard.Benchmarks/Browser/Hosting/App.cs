using Calico.Wizard.Testing;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>The published app (Release, Production) on a free loopback port with its own SQLite file, started by the tests' launcher.</summary>
public sealed class App(WizardApp app) : IAsyncDisposable
{
    public Uri Url => app.BaseUrl;
    public int Pid => app.Pid;
    /// <summary>The managed heap after the last induced full GC.</summary>
    public long LastHeap { get; set; }

    public static async Task<App> StartAsync(string publish, string gc, IReadOnlyDictionary<string, string> env, string dll = "Calico.Wizard.dll")
    {
        // the capacity and memory phases open hundreds of tabs from one address: the per-client circuit cap is not what they measure
        var variables = new Dictionary<string, string> { ["Wizard__MaxCircuitsPerClient"] = "0" };
        if (gc == "workstation") variables["DOTNET_gcServer"] = "0";
        foreach (var (k, v) in env) variables[k] = v;
        // the published appsettings.json and wwwroot/ are the content and web roots
        return new App(await WizardApp.LaunchAsync(new AppLaunch
        {
            Dll = Path.Combine(publish, dll), WorkingDirectory = publish, Environment = "Production", Variables = variables,
        }));
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
