using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Provisioning.Targets;
using Microsoft.Extensions.DependencyInjection;

namespace Calico.Wizard.Testing;

public static class TestTargetRegistration
{
    /// <summary>Registers <paramref name="target"/> next to the dry run and makes it where new clusters go.</summary>
    public static IServiceCollection AddDefaultTarget(this IServiceCollection services, IProvisioningTarget target)
    {
        services.AddSingleton(target);
        services.Configure<ProvisioningOptions>(o => o.DefaultTarget = target.Name);
        return services;
    }
}

/// <summary>One step that fails on its first run and succeeds on the next.</summary>
public sealed class FlakyTarget : IProvisioningTarget
{
    public const string StepName = "Apply (fails once)";
    public const string FirstFailure = "the API server was not reachable";
    private int runs;

    public string Name => "flaky";
    public string Description => "fails once, then works";
    public int Runs => Volatile.Read(ref runs);

    public IReadOnlyList<PlannedStep> Plan(ClusterSpec spec, IReadOnlyList<RenderedObject> objects) =>
    [
        new(StepName, (_, _) => Interlocked.Increment(ref runs) == 1
            ? throw new InvalidOperationException(FirstFailure)
            : Task.FromResult<StepOutcome>("applied on the second try")),
    ];
}

/// <summary>One step that waits until it is cancelled; <see cref="Started"/> completes when it begins.</summary>
public sealed class BlockingTarget : IProvisioningTarget
{
    public const string StepName = "Wait for the cluster forever";

    public string Name => "blocking";
    public string Description => "never finishes on its own";
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<PlannedStep> Plan(ClusterSpec spec, IReadOnlyList<RenderedObject> objects) =>
    [
        new(StepName, async (_, ct) =>
        {
            Started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return (StepOutcome)"unreachable";
        }),
    ];
}

/// <summary>Two steps that count how often each one ran.</summary>
public sealed class CountingTarget : IProvisioningTarget
{
    public static readonly string[] StepNames = ["Apply the installation", "Wait for Calico"];
    private readonly int[] runs = new int[StepNames.Length];

    public string Name => "counting";
    public string Description => "counts its step runs";

    public int RunsOf(int targetStep) => Volatile.Read(ref runs[targetStep]);

    public IReadOnlyList<PlannedStep> Plan(ClusterSpec spec, IReadOnlyList<RenderedObject> objects) =>
        StepNames.Select((name, i) => new PlannedStep(name, (_, _) =>
        {
            Interlocked.Increment(ref runs[i]);
            return Task.FromResult<StepOutcome>($"{name}: done");
        })).ToArray();
}

public static class JobSteps
{
    /// <summary>The job's step called <paramref name="name"/> (tests name steps, not positions that move when a step is added).</summary>
    public static Calico.Wizard.Store.JobStep Step(this Calico.Wizard.Store.ProvisioningJob job, string name) =>
        job.Steps.SingleOrDefault(s => s.Name == name) ?? throw new Xunit.Sdk.XunitException($"no step '{name}' in {string.Join(", ", job.Steps.Select(s => s.Name))}");
}
