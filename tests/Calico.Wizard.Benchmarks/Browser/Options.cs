using System.Globalization;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>The command line (documented at the top of Program.cs).</summary>
public sealed class Options
{
    public HashSet<string> Only { get; private set; } = [];
    public bool NoPublish { get; private set; }
    public int Keystrokes { get; private set; } = 200;
    public int Warmup { get; private set; } = 20;
    public int KeyPauseMs { get; private set; } = 100;
    public int Tabs { get; private set; } = 100;
    public int Sessions { get; private set; } = 200;
    public int PerSession { get; private set; } = 20;
    public int ThinkMin { get; private set; } = 250;
    public int ThinkMax { get; private set; } = 750;
    public string Gc { get; private set; } = "server";
    public string? Out { get; private set; }
    public int HoldSeconds { get; private set; }
    /// <summary>The step the memory phase's tabs stay on: cluster (the first page) or network (the side-by-side's).</summary>
    public string MemoryStep { get; private set; } = "cluster";
    public int SideKeys { get; private set; } = 390;
    public int SideTabs { get; private set; } = 30;
    public int SideRuns { get; private set; } = 2;
    /// <summary>
    /// Keys typed before the side-by-side measures: a fresh process spends its first few hundred keys in the JIT
    /// (tiered compilation promoting the hot paths; perf showed libclrjit at ~50 % of the samples after 20 keys).
    /// </summary>
    public int SideWarmup { get; private set; } = 600;
    /// <summary>Record the bytes allocated and the GCs per measured key in the side-by-side runs.</summary>
    public bool SideAllocs { get; private set; }
    /// <summary>perf record the app over the measured keys of each side-by-side run.</summary>
    public bool SidePerf { get; private set; }
    public int[] CapacitySessions { get; private set; } = [20, 40, 60];
    public Dictionary<string, string> AppEnv { get; } = [];

    /// <summary>These options with another session count, keystrokes per session and think time (the capacity run).</summary>
    public Options WithSessions(int sessions, int perSession, int thinkMin, int thinkMax)
    {
        var o = (Options)MemberwiseClone();
        (o.Sessions, o.PerSession, o.ThinkMin, o.ThinkMax) = (sessions, perSession, thinkMin, thinkMax);
        return o;
    }

    public bool Runs(string phase) => Only.Count == 0 || Only.Contains(phase);

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--only": o.Only = [.. Next().Split(',')]; break;
                case "--side-keys": o.SideKeys = Int(); break;
                case "--side-tabs": o.SideTabs = Int(); break;
                case "--side-runs": o.SideRuns = Int(); break;
                case "--side-warmup": o.SideWarmup = Int(); break;
                case "--side-allocs": o.SideAllocs = true; break;
                case "--side-perf": o.SidePerf = true; break;
                case "--capacity-sessions":
                    o.CapacitySessions = [.. Next().Split(',').Select(n => Math.Clamp(int.Parse(n, CultureInfo.InvariantCulture), 1, 500))];
                    break;
                case "--no-publish": o.NoPublish = true; break;
                case "--keystrokes": o.Keystrokes = Int(); break;
                case "--warmup": o.Warmup = Int(); break;
                case "--key-pause": o.KeyPauseMs = Int(); break;
                case "--tabs": o.Tabs = Int(); break;
                case "--sessions": o.Sessions = Int(); break;
                case "--per-session": o.PerSession = Int(); break;
                case "--think":
                    var t = Next().Split('-');
                    (o.ThinkMin, o.ThinkMax) = (int.Parse(t[0], CultureInfo.InvariantCulture), int.Parse(t[1], CultureInfo.InvariantCulture));
                    break;
                case "--gc": o.Gc = Next() is "workstation" ? "workstation" : "server"; break;
                case "--out": o.Out = Next(); break;
                case "--hold": o.HoldSeconds = Int(); break;
                case "--memory-step": o.MemoryStep = Next() is "network" ? "network" : "cluster"; break;
                case "--app-env":
                    var kv = Next().Split('=', 2);
                    o.AppEnv[kv[0]] = kv[1];
                    break;
                default: throw new ArgumentException($"unknown option {args[i]} (see the comment at the top of Program.cs)");
            }
        }
        if (o.SideWarmup % 2 != 0) throw new ArgumentException("--side-warmup must be even (each pair shows then hides the message)");
        if (o.Keystrokes % 2 != 0 || o.Warmup % 2 != 0)
            throw new ArgumentException("--keystrokes and --warmup must be even (each pair shows then hides the message)");
        o.Keystrokes = Math.Clamp(o.Keystrokes, 2, 10_000);
        o.Tabs = Math.Clamp(o.Tabs, 1, 500);
        o.Sessions = Math.Clamp(o.Sessions, 1, 500);
        o.PerSession = Math.Clamp(o.PerSession, 1, 1_000);
        return o;
    }
}
