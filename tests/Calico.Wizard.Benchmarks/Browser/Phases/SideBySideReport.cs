using System.Globalization;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>What the side-by-side prints and returns: a line per run, the table of every run, then the three comparisons.</summary>
public static class SideBySideReport
{
    /// <summary>The keystroke → message p95 the wizard is held to: the one-field floor's p95 of the same runs plus this.</summary>
    public const double P95AllowanceMs = 5;

    public static string RunLine(SideRun run, int index) =>
        $"   {(run.Floor ? "floor " : "wizard")} run {index + 1}: {run.CpuMsPerKey:F2} ms CPU/key ({run.CpuMsPerKeyWithoutJit:F2} without the JIT thread), " +
        $"p50 {run.Keys.P50:F1} ms, p95 {run.Keys.P95:F1} ms, heap/circuit {run.HeapKbPerCircuit:F0} KB" +
        (run.NetworkHeapKbPerCircuit is { } network ? $", /network-floor heap/circuit {network:F0} KB" : "");

    public static object Print(IReadOnlyList<SideRun> runs, Options o)
    {
        var floors = runs.Where(r => r.Floor).ToArray();
        var wizards = runs.Where(r => !r.Floor).ToArray();
        var rows = new (string Name, Func<SideRun, double?> Of, string Unit)[]
        {
            ("server CPU per keystroke (floor: one field)", r => r.CpuMsPerKey, "ms"),
            ("… less the JIT's tier-up thread", r => r.CpuMsPerKeyWithoutJit, "ms"),
            ("context switches per keystroke", r => r.SwitchesPerKey, ""),
            ("keystroke → message p50", r => r.Keys.P50, "ms"),
            ("keystroke → message p95", r => r.Keys.P95, "ms"),
            ("managed heap per idle circuit (floor: one field)", r => r.HeapKbPerCircuit, "KB"),
            ("managed heap per idle circuit (floor: /network-floor)", r => r.Floor ? r.NetworkHeapKbPerCircuit : r.HeapKbPerCircuit, "KB"),
        };
        Console.WriteLine();
        Console.WriteLine($"== side by side ({o.SideRuns} runs each, {o.SideKeys} keys, {o.SideTabs} tabs; the wizard on its Network step)");
        Console.WriteLine("| | floor | wizard | ratio |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (name, of, unit) in rows)
        {
            var f = floors.Select(of).ToArray();
            var w = wizards.Select(of).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Values(f)} {unit} | {Values(w)} {unit} | {Ratio(Mean(w), Mean(f))} |"));
        }

        var heapWizard = Mean(wizards.Select(r => (double?)r.HeapKbPerCircuit));
        var heapNetworkFloor = Mean(floors.Select(r => r.NetworkHeapKbPerCircuit));
        var heapOneField = Mean(floors.Select(r => (double?)r.HeapKbPerCircuit));
        var (cpuWizard, cpuFloor) = (Mean(wizards.Select(r => (double?)r.CpuMsPerKey)), Mean(floors.Select(r => (double?)r.CpuMsPerKey)));
        var (jitlessWizard, jitlessFloor) = (Mean(wizards.Select(r => (double?)r.CpuMsPerKeyWithoutJit)),
            Mean(floors.Select(r => (double?)r.CpuMsPerKeyWithoutJit)));
        var (p95Wizard, p95Floor) = (Mean(wizards.Select(r => (double?)r.Keys.P95)), Mean(floors.Select(r => (double?)r.Keys.P95)));
        var p95Bound = p95Floor + P95AllowanceMs;
        Console.WriteLine();
        Console.WriteLine("== the wizard against the floor (means of the runs above)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   managed heap per idle circuit, wizard's Network step ÷ /network-floor (the same controls on plain fields): " +
            $"{heapWizard:F0} ÷ {heapNetworkFloor:F0} KB = {Ratio(heapWizard, heapNetworkFloor)}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   server CPU per keystroke, wizard ÷ one-field floor: {cpuWizard:F2} ÷ {cpuFloor:F2} ms = {Ratio(cpuWizard, cpuFloor)}; " +
            $"less the JIT's tier-up thread {jitlessWizard:F2} ÷ {jitlessFloor:F2} ms = {Ratio(jitlessWizard, jitlessFloor)}"));
        var (margin, side) = p95Wizard <= p95Bound ? (p95Bound - p95Wizard, "under") : (p95Wizard - p95Bound, "over");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   keystroke → message p95, wizard against one-field floor + {P95AllowanceMs:F0} ms: {p95Wizard:F1} ms against " +
            $"{p95Floor:F1} + {P95AllowanceMs:F0} = {p95Bound:F1} ms: {margin:F1} ms {side}"));
        return new
        {
            runs,
            cpuRatio = cpuFloor is > 0 ? cpuWizard / cpuFloor : null,
            cpuRatioWithoutJit = jitlessFloor is > 0 ? jitlessWizard / jitlessFloor : null,
            heapRatio = heapOneField is > 0 ? heapWizard / heapOneField : null,
            networkFloorHeapRatio = heapNetworkFloor is > 0 ? heapWizard / heapNetworkFloor : null,
            p95WizardMs = p95Wizard,
            p95FloorMs = p95Floor,
            p95FloorPlusAllowanceMs = p95Bound,
        };
    }

    /// <summary>The mean of the values there are (null when there are none: a floor run with no tabs has no /network-floor figure).</summary>
    private static double? Mean(IEnumerable<double?> values) =>
        values.OfType<double>().ToArray() is { Length: > 0 } known ? known.Average() : null;

    private static string Values(double?[] values) =>
        string.Join(", ", values.Select(v => v is { } x ? x.ToString("F1", CultureInfo.InvariantCulture) : "n/a"));

    private static string Ratio(double? numerator, double? denominator) =>
        numerator is { } n && denominator is { } d && d > 0 ? string.Create(CultureInfo.InvariantCulture, $"{n / d:F2}×") : "n/a";
}
