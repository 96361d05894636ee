using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Calico.Wizard.Testing;

/// <summary>
/// Where and how the app runs: by default as the README starts it (from the repository root, the built
/// entry point, Development so a build serves its static assets); the browser benchmark runs a Release publish.
/// </summary>
public sealed record AppLaunch
{
    /// <summary>The entry point; by default the one built beside these tests.</summary>
    public string? Dll { get; init; }
    public string WorkingDirectory { get; init; } = Repository.Root;
    public string Environment { get; init; } = "Development";
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The real app on a free loopback port and its own SQLite file, so a test can stop it and start it again on the
/// same data. Tests, the replica drills and the browser benchmark all start it through here.
/// </summary>
public sealed class WizardApp : IAsyncDisposable
{
    private Process? process;
    private readonly StringBuilder output = new();

    public string DatabasePath { get; }
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");
    public string Output { get { lock (output) return output.ToString(); } }
    public int Pid => process?.Id ?? throw new InvalidOperationException("the app is not running");

    private readonly string[] extraArgs;
    private readonly AppLaunch launch;

    private WizardApp(string databasePath, AppLaunch launch, string[] extraArgs) => (DatabasePath, this.launch, this.extraArgs) = (databasePath, launch, extraArgs);

    public static Task<WizardApp> StartAsync(string? databasePath = null, params string[] extraArgs) => LaunchAsync(new AppLaunch(), databasePath, extraArgs);

    public static async Task<WizardApp> LaunchAsync(AppLaunch launch, string? databasePath = null, params string[] extraArgs)
    {
        var app = new WizardApp(databasePath ?? Path.Combine(Path.GetTempPath(), $"calico-wizard-app-{Guid.NewGuid():N}.db"), launch, extraArgs);
        try { await app.StartAsync(); }
        catch { await app.DisposeAsync(); throw; }
        return app;
    }

    public async Task StartAsync()
    {
        // Port 0: the app binds a free port itself and says which; a port picked here and bound later could be taken
        // in between by another test process.
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = launch.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(launch.Dll ?? Repository.BuiltDll("Calico.Wizard", "Calico.Wizard.dll"));
        info.ArgumentList.Add("--urls=http://127.0.0.1:0");
        info.ArgumentList.Add($"--Storage:SqlitePath={DatabasePath}");
        info.ArgumentList.Add("--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information"); // "Now listening on: …"
        foreach (var arg in extraArgs) info.ArgumentList.Add(arg);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = launch.Environment;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in launch.Variables) info.Environment[name] = value;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (ListeningOn(e.Data) is { } url) listening.TrySetResult(url);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            started.WaitForExit(); // the last lines of its output are read
            listening.TrySetException(new InvalidOperationException($"The app exited with {started.ExitCode}:\n{Output}"));
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try { BaseUrl = await listening.Task.WaitAsync(Waits.AppStarted); }
        catch (TimeoutException) { throw new TimeoutException($"The app did not say where it listens within {Waits.AppStarted.TotalSeconds:0} s:\n{Output}"); }

        // Listening is not yet serving: wait for a static file to answer, as a browser would need it.
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + Waits.AppStarted;
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
        throw new TimeoutException($"The app did not answer on {BaseUrl} within {Waits.AppStarted.TotalSeconds:0} s:\n{Output}");
    }

    private static Uri? ListeningOn(string line)
    {
        const string marker = "Now listening on: ";
        var at = line.IndexOf(marker, StringComparison.Ordinal);
        return at >= 0 && Uri.TryCreate(line[(at + marker.Length)..].Trim(), UriKind.Absolute, out var url) ? new Uri(url, "/") : null;
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
