using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using static Calico.Wizard.Benchmarks.Browser.Report;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// First load: every byte Chromium receives (HTTP responses, headers included, as CDP's encodedDataLength), from
/// navigating to / until the wizard is interactive, with a fresh cache. WebSocket (circuit) frames are counted apart.
/// </summary>
public static class FirstLoad
{
    public static async Task<object> RunAsync(IBrowser browser, App app)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var cdp = await context.NewCDPSessionAsync(page);
        var requests = new Dictionary<string, Resource>();
        long wsReceived = 0, wsSent = 0;
        string? acceptEncoding = null;
        Resource Get(JsonElement e)
        {
            var id = e.GetProperty("requestId").GetString()!;
            return requests.TryGetValue(id, out var r) ? r : requests[id] = new Resource();
        }
        long redirects = 0;
        cdp.Event("Network.requestWillBeSent").OnEvent += (_, e) =>
        {
            if (e is not { } v) return;
            Get(v).Url = v.GetProperty("request").GetProperty("url").GetString()!;
            // a redirect has no loadingFinished of its own
            if (v.TryGetProperty("redirectResponse", out var redirect)) redirects += redirect.GetProperty("encodedDataLength").GetInt64();
        };
        cdp.Event("Network.requestWillBeSentExtraInfo").OnEvent += (_, e) =>
        {
            if (e is { } v && acceptEncoding is null && Header(v.GetProperty("headers"), "accept-encoding") is { Value.ValueKind: JsonValueKind.String } h)
                acceptEncoding = h.Value.GetString();
        };
        cdp.Event("Network.responseReceived").OnEvent += (_, e) =>
        {
            if (e is not { } v) return;
            var r = Get(v);
            var response = v.GetProperty("response");
            r.Status = response.GetProperty("status").GetInt32();
            r.Encoding = Header(response.GetProperty("headers"), "content-encoding").Value.ToString();
        };
        cdp.Event("Network.dataReceived").OnEvent += (_, e) => { if (e is { } v) Get(v).Decoded += v.GetProperty("dataLength").GetInt64(); };
        cdp.Event("Network.loadingFinished").OnEvent += (_, e) => { if (e is { } v) Get(v).Transferred = v.GetProperty("encodedDataLength").GetInt64(); };
        cdp.Event("Network.webSocketFrameReceived").OnEvent += (_, e) => { if (e is { } v) Interlocked.Add(ref wsReceived, FrameBytes(v)); };
        cdp.Event("Network.webSocketFrameSent").OnEvent += (_, e) => { if (e is { } v) Interlocked.Add(ref wsSent, FrameBytes(v)); };
        await cdp.SendAsync("Network.enable");

        await page.GotoAsync(app.Url.ToString());
        await Pages.WaitInteractiveAsync(page);
        await page.WaitForTimeoutAsync(2000); // late requests (favicon, …)

        var finished = requests.Values.Where(r => r.Transferred > 0).OrderByDescending(r => r.Transferred).ToList();
        var total = finished.Sum(r => r.Transferred) + redirects;
        Console.WriteLine();
        Console.WriteLine($"== first load: {finished.Count} HTTP responses, {Kb(total)} transferred (compressed, headers included); " +
                          $"Accept-Encoding: {acceptEncoding}");
        Console.WriteLine("| resource | status | content-encoding | transferred | decoded body |");
        Console.WriteLine("|---|---|---|---:|---:|");
        foreach (var r in finished)
            Console.WriteLine($"| {ShortUrl(r.Url, app.Url)} | {r.Status} | {(string.IsNullOrEmpty(r.Encoding) ? "none" : r.Encoding)} | " +
                              $"{Kb(r.Transferred)} | {Kb(r.Decoded)} |");
        if (redirects > 0) Console.WriteLine($"| redirects (/ → /wizard/{{id}}) | 302 | | {Kb(redirects)} | |");
        Console.WriteLine($"| **total HTTP** | | | **{Kb(total)}** | {Kb(finished.Sum(r => r.Decoded))} |");
        Console.WriteLine($"circuit (WebSocket payloads) until interactive + 2 s: received {Kb(wsReceived)}, sent {Kb(wsSent)}");
        return new
        {
            acceptEncoding,
            httpTransferredBytes = total,
            httpDecodedBytes = finished.Sum(r => r.Decoded),
            webSocketReceivedBytes = wsReceived,
            webSocketSentBytes = wsSent,
            redirectBytes = redirects,
            resources = finished.Select(r => new
            {
                url = ShortUrl(r.Url, app.Url), r.Status, encoding = r.Encoding, transferred = r.Transferred, decoded = r.Decoded,
            }),
        };
    }

    private sealed class Resource
    {
        public string Url = "";
        public int Status;
        public string? Encoding;
        public long Transferred, Decoded;
    }

    /// <summary>A header by name, in any case (the default when there is none).</summary>
    private static JsonProperty Header(JsonElement headers, string name) =>
        headers.EnumerateObject().FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static long FrameBytes(JsonElement v)
    {
        var response = v.GetProperty("response");
        var payload = response.GetProperty("payloadData").GetString() ?? "";
        // binary frames come base64-encoded
        return response.GetProperty("opcode").GetDouble() == 2 ? payload.Length * 3 / 4 : Encoding.UTF8.GetByteCount(payload);
    }
}
