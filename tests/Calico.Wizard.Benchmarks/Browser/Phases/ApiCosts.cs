using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Testing;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// What the review's hostile drafts cost the server (issue 27), over HTTP against the published app: the answer's
/// size, the wall time and the server process's CPU (utime + stime of /proc/PID/stat) for each request.
/// <list type="bullet">
/// <item>the amplification draft (50 policies of invalid value lists) POSTed: the 422's size and cost;</item>
/// <item>a draft at the caps (50 valid policies of ~50 KB) POSTed, then its manifests GET five times;</item>
/// <item>the poison draft (8 × 900 flow-style rules) POSTed, then whether its job ends within a minute.</item>
/// </list>
/// No browser: <c>--only apicosts</c> runs this phase alone.
/// </summary>
public static class ApiCosts
{
    public static async Task<object> RunAsync(App app)
    {
        using var http = new HttpClient { BaseAddress = app.Url, Timeout = TimeSpan.FromMinutes(5) };
        var results = new Dictionary<string, object>();

        // A fresh process compiles every path on its first request: warm them on small drafts first, and measure each
        // hostile request more than once (the first of each kind still pays some tier-up; later ones are the steady cost).
        var small = TestDrafts.Valid(d =>
        {
            d.Name = "warm-up";
            d.L2Network = "rack-warm";
            d.NetworkPolicies.Add(Calico.Wizard.Core.Policies.PolicyStarters.SeedExample);
        });
        await MeasureAsync(app, () => http.PostAsJsonAsync("api/clusters", Body(small)));
        await MeasureAsync(app, () => http.GetAsync($"api/drafts/{small.Id}/manifests.yaml"));
        var invalid = TestDrafts.Valid(d => { d.L2Network = "rack-warm2"; d.Mtu = "1"; d.NetworkPolicies.Add("kind: x"); });
        await MeasureAsync(app, () => http.PostAsJsonAsync("api/clusters", Body(invalid)));

        var amplify = new List<Measured>();
        for (var i = 0; i < 3; i++)
            amplify.Add(await MeasureAsync(app, () => http.PostAsJsonAsync("api/clusters", Body(HostileDrafts.Amplification($"amplify-{i}")))));
        results["amplification"] = amplify;
        foreach (var a in amplify) Console.WriteLine($"amplification POST: {a}");

        var capsSubmits = new List<Measured>();
        ClusterDraft caps = default!;
        for (var i = 0; i < 2; i++)
        {
            caps = HostileDrafts.AtCaps($"at-caps-{i}", $"rack-caps-{i}");
            capsSubmits.Add(await MeasureAsync(app, () => http.PostAsJsonAsync("api/clusters", Body(caps))));
        }
        results["capsSubmit"] = capsSubmits;
        foreach (var c in capsSubmits) Console.WriteLine($"at-caps POST: {c}");
        var gets = new List<Measured>();
        for (var i = 0; i < 5; i++) gets.Add(await MeasureAsync(app, () => http.GetAsync($"api/drafts/{caps.Id}/manifests.yaml")));
        results["capsManifestsGet"] = gets;
        foreach (var g in gets) Console.WriteLine($"at-caps manifests GET: {g}");

        var poison = HostileDrafts.Poison();
        var poisonSubmit = await MeasureAsync(app, () => http.PostAsJsonAsync("api/clusters", Body(poison)));
        results["poisonSubmit"] = poisonSubmit;
        Console.WriteLine($"poison POST: {poisonSubmit}");
        if (poisonSubmit.Status == 201)
        {
            var cluster = JsonDocument.Parse(poisonSubmit.BodyStart).RootElement.GetProperty("clusterId").GetGuid();
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            var state = "";
            while (DateTime.UtcNow < deadline)
            {
                state = (await http.GetFromJsonAsync<JsonElement>($"api/clusters/{cluster}")).GetProperty("job").GetProperty("state").GetString() ?? "";
                if (state is "Succeeded" or "Failed" or "Cancelled") break;
                await Task.Delay(500);
            }
            results["poisonJob"] = state;
            Console.WriteLine($"poison job after at most a minute: {state}");
        }
        return results;
    }

    private static Dictionary<string, object> Body(ClusterDraft d)
    {
        var json = JsonSerializer.SerializeToElement(d, new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        });
        // the API's keys are the spec file's: the draft's own JSON minus what is not a field
        return json.EnumerateObject().Where(p => p.Name is not "advancedOpen" and not "isDualStack" and not "hasIPv6" and not "encapsulation")
            .ToDictionary(p => p.Name, p => (object)p.Value);
    }

    public sealed record Measured(int Status, long Bytes, double WallMs, double ServerCpuMs, string BodyStart)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Status}, {Bytes:N0} bytes, {WallMs:F0} ms wall, {ServerCpuMs:F0} ms server CPU");
    }

    private static async Task<Measured> MeasureAsync(App app, Func<Task<HttpResponseMessage>> send)
    {
        var before = ProcessCpu.StatTicks(await File.ReadAllTextAsync($"/proc/{app.Pid}/stat"));
        var watch = Stopwatch.StartNew();
        using var response = await send();
        var body = await response.Content.ReadAsByteArrayAsync();
        watch.Stop();
        var after = ProcessCpu.StatTicks(await File.ReadAllTextAsync($"/proc/{app.Pid}/stat"));
        return new Measured((int)response.StatusCode, body.LongLength, watch.Elapsed.TotalMilliseconds,
            (after - before) * 1000 / ProcessCpu.ClockTicksPerSecond, System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 2000)));
    }
}
