using System.Collections.Concurrent;
using System.Globalization;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>How a <see cref="KubeTestBed"/> configures the "Provisioning" section.</summary>
public sealed record KubeBedOptions
{
    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan CrdEstablishedTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public int RetryAttempts { get; init; } = 3;
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(10);
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Written to a file and configured as Provisioning:OperatorManifest.</summary>
    public string? OperatorManifestYaml { get; init; }
    /// <summary>An existing file configured as Provisioning:OperatorManifest (when <see cref="OperatorManifestYaml"/> is not set).</summary>
    public string? OperatorManifestPath { get; init; }
    /// <summary>Written to a file and configured as Provisioning:FlannelManifest.</summary>
    public string? FlannelManifestYaml { get; init; }
    /// <summary>The kubeconfig's server instead of the fake (e.g. a closed port).</summary>
    public string? Server { get; init; }
    /// <summary>A kubeconfig of a real cluster instead of the fake's (then no fake is started).</summary>
    public string? Kubeconfig { get; init; }
    public string? Context { get; init; } = "fake";
    public bool StartWorker { get; init; } = true;
}

/// <summary>
/// One test's world for the Kubernetes target: the fake API server, a kubeconfig in a temp directory pointing at it,
/// and the provisioning services wired like the host (AddProvisioning + AddKubernetesTargets on a "Provisioning"
/// configuration section, the seed matrix, the rules) on a temp SQLite database, with every log message captured.
/// </summary>
public sealed class KubeTestBed : IAsyncDisposable
{
    public const string TargetName = "fake-cluster";

    public const string OperatorStep = "Preflight: Tigera operator present and knowing every field we send";
    public const string DryRunStep = "Preflight: server-side dry run of every object";
    public const string FlannelPresentStep = "Preflight: Flannel running or its manifest configured";
    public const string FlannelManifestStep = "Apply the Flannel manifest";
    public const string RestartFlannelStep = "Restart the Flannel pods if net-conf.json changed";

    public static readonly string[] CalicoSteps =
    [
        "Check every rule again on the server",
        "Preflight: API server reachable",
        "Preflight: Tigera operator present and knowing every field we send",
        "Preflight: no other CNI DaemonSet",
        "Preflight: nodes fit the block size",
        "Preflight: cluster pod CIDR contains the Containers CIDR",
        "Preflight: permissions to apply",
        "Preflight: server-side dry run of every object",
        "Apply the Tigera operator manifest",
        "Apply Installation/default",
        "Wait for TigeraStatus calico Available",
    ];

    public static readonly string[] FlannelSteps =
    [
        "Check every rule again on the server",
        "Preflight: API server reachable",
        "Preflight: Flannel running or its manifest configured",
        "Preflight: no other CNI DaemonSet",
        "Preflight: cluster pod CIDR contains the Containers CIDR",
        "Preflight: permissions to apply",
        "Preflight: server-side dry run of every object",
        "Apply the Flannel manifest",
        "Apply ConfigMap/kube-flannel/kube-flannel-cfg",
        "Restart the Flannel pods if net-conf.json changed",
        "Wait for the Flannel DaemonSet rolled out and ready",
    ];

    private KubeTestBed(FakeKubeApi? api, ProvisioningFixture fixture, CapturingLoggerProvider logs, string directory, string kubeconfig)
    {
        ApiOrNull = api;
        Fixture = fixture;
        Logs = logs;
        Directory = directory;
        KubeconfigPath = kubeconfig;
    }

    public FakeKubeApi? ApiOrNull { get; }
    public FakeKubeApi Api => ApiOrNull ?? throw new InvalidOperationException("this bed runs against a real cluster");
    public ProvisioningFixture Fixture { get; }
    public CapturingLoggerProvider Logs { get; }
    public string Directory { get; }
    public string KubeconfigPath { get; }

    /// <param name="arrange">Sets the fake cluster up before anything runs.</param>
    public static async Task<KubeTestBed> StartAsync(KubeBedOptions? options = null, Action<FakeKubeApi>? arrange = null)
    {
        options ??= new KubeBedOptions();
        var directory = Path.Combine(Path.GetTempPath(), $"calico-wizard-k8s-tests-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var api = options.Kubeconfig is null ? await FakeKubeApi.StartAsync() : null;
        if (api is not null) arrange?.Invoke(api);
        var kubeconfig = options.Kubeconfig ?? api!.WriteKubeconfig(directory, options.Server);

        var settings = new Dictionary<string, string?>
        {
            ["Provisioning:ReadinessTimeout"] = options.ReadinessTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["Provisioning:CrdEstablishedTimeout"] = options.CrdEstablishedTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["Provisioning:RetryAttempts"] = options.RetryAttempts.ToString(CultureInfo.InvariantCulture),
            ["Provisioning:RetryBaseDelay"] = options.RetryBaseDelay.ToString("c", CultureInfo.InvariantCulture),
            ["Provisioning:RetryMaxDelay"] = options.RetryMaxDelay.ToString("c", CultureInfo.InvariantCulture),
            // the worker's own settings (ProvisioningOptions) live in the same section: a restarted process finds unfinished jobs quickly
            ["Provisioning:PollInterval"] = "00:00:00.100",
            ["Provisioning:Targets:0:Name"] = TargetName,
            ["Provisioning:Targets:0:Kubeconfig"] = kubeconfig,
            ["Provisioning:Targets:0:Context"] = options.Context,
        };
        if (options.OperatorManifestYaml is { } manifest)
        {
            var path = Path.Combine(directory, "tigera-operator.yaml");
            await File.WriteAllTextAsync(path, manifest);
            settings["Provisioning:OperatorManifest"] = path;
        }
        else if (options.OperatorManifestPath is { } existing)
        {
            settings["Provisioning:OperatorManifest"] = existing;
        }
        if (options.FlannelManifestYaml is { } flannel)
        {
            var path = Path.Combine(directory, "kube-flannel.yml");
            await File.WriteAllTextAsync(path, flannel);
            settings["Provisioning:FlannelManifest"] = path;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new CapturingLoggerProvider();
        var fixture = await ProvisioningFixture.CreateAsync(services =>
        {
            services.AddOptions<ProvisioningOptions>().Bind(configuration.GetSection("Provisioning")); // as the host binds it
            services.AddKubernetesTargets(configuration.GetSection("Provisioning"));
            services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        });
        var bed = new KubeTestBed(api, fixture, logs, directory, kubeconfig);
        if (options.StartWorker) await fixture.StartWorkerAsync();
        return bed;
    }

    public static ClusterDraft CalicoDraft(params Action<ClusterDraft>[] changes) =>
        TestDrafts.Valid([d => d.Target = TargetName, .. changes]);

    /// <summary>Azure offers Flannel only.</summary>
    public static ClusterDraft FlannelOnAzureDraft(params Action<ClusterDraft>[] changes) =>
        TestDrafts.Valid([d =>
        {
            d.Target = TargetName;
            d.Provider = "Azure";
            d.L2Network = "prod-vnet";
            d.Backend = NetworkBackend.Flannel;
        }, .. changes]);

    public async Task<ProvisioningJob> SubmitAsync(ClusterDraft draft)
    {
        var result = await Fixture.Submission.SubmitAsync(draft);
        Assert.True(result.Accepted, string.Join(" ", result.Check.Errors.Select(e => e.ErrorMessage)));
        var job = await Fixture.SingleJobOfAsync(result.ClusterId);
        Assert.Equal(TargetName, job.Target);
        return job;
    }

    /// <summary>Submits and waits until the job is Succeeded, Failed or Cancelled.</summary>
    public async Task<ProvisioningJob> RunAsync(ClusterDraft draft, IServiceProvider? process = null) =>
        await Fixture.WaitUntilFinishedAsync((await SubmitAsync(draft)).Id, process);

    /// <summary>Waits until the step is in <paramref name="state"/>; fails at once if the job finishes first.</summary>
    public async Task<ProvisioningJob> WaitForStepAsync(Guid jobId, string stepName, StepState state, IServiceProvider? process = null)
    {
        var job = await Fixture.WaitForJobAsync(jobId, j => j.Steps.Any(s => s.Name == stepName && s.State == state)
            || j.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled, process);
        Assert.True(job.Steps.Any(s => s.Name == stepName && s.State == state),
            $"the job finished ({job.State}: {job.Error}) before step '{stepName}' was {state}");
        return job;
    }

    /// <summary>The stored cluster's spec (what the worker renders from).</summary>
    public async Task<ClusterSpec> SpecOfAsync(Guid clusterId)
    {
        await using var db = await Fixture.NewDbContextAsync();
        return ClusterSpec.FromJson(await db.Clusters.Where(c => c.Id == clusterId).Select(c => c.SpecJson).SingleAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Fixture.DisposeAsync();
        if (ApiOrNull is { } api) await api.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}

/// <summary>Keeps every message logged through it (rendered message, structured values, exception text).</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyList<string> Lines => [.. lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
        // shared by every container of a bed: the lines outlive them
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            lines.Enqueue($"scope {category}: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{values}] {exception}");
        }
    }
}
