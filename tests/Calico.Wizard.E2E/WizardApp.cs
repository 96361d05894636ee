using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace Calico.Wizard.E2E;

/// <summary>
/// The real app, started as the README starts it (from the repository root, on its embedded defaults) but on
/// a free loopback port and its own SQLite file, so a test can stop it and start it again on the same data.
/// </summary>
public sealed class WizardApp : IAsyncDisposable
{
    private Process? process;
    private readonly StringBuilder output = new();

    public string DatabasePath { get; }
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");
    public string Output { get { lock (output) return output.ToString(); } }

    private readonly string[] extraArgs;

    private WizardApp(string databasePath, string[] extraArgs) => (DatabasePath, this.extraArgs) = (databasePath, extraArgs);

    public static async Task<WizardApp> StartAsync(string? databasePath = null, params string[] extraArgs)
    {
        var app = new WizardApp(databasePath ?? Path.Combine(Path.GetTempPath(), $"calico-wizard-e2e-{Guid.NewGuid():N}.db"), extraArgs);
        await app.StartAsync();
        return app;
    }

    public async Task StartAsync()
    {
        var port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(AppDll());
        info.ArgumentList.Add($"--urls={BaseUrl.ToString().TrimEnd('/')}");
        info.ArgumentList.Add($"--Storage:SqlitePath={DatabasePath}");
        foreach (var arg in extraArgs) info.ArgumentList.Add(arg);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development"; // a built (not published) app serves its static assets in Development
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The app exited with {process.ExitCode}:\n{Output}");
            try
            {
                using var response = await http.GetAsync("app.css");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The app did not answer on {BaseUrl} within 60 s:\n{Output}");
    }

    /// <summary>Stops the process the hard way, as a crash or a redeploy would.</summary>
    public async Task KillAsync()
    {
        if (process is null || process.HasExited) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(DatabasePath + suffix);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string AppDll() => Repository.BuiltDll("Calico.Wizard", "Calico.Wizard.dll");
}

public static class Repository
{
    public static string Root { get; } = Find();

    /// <summary>A project's built entry point, in the configuration these tests were built in.</summary>
    public static string BuiltDll(string project, string dll)
    {
        var configuration = typeof(WizardApp).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(Root, "src", project, "bin", configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first (the E2E project references it).", path);
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Calico.Wizard.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Calico.Wizard.sln not found above " + AppContext.BaseDirectory);
    }
}
