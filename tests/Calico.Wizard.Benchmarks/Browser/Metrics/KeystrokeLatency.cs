namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// Keystroke → message, timed in the page: a capturing keydown listener stamps performance.now(); a MutationObserver
/// stamps the moment [data-testid=containers-cidr-error] appears or disappears, and records the time since the last
/// keydown. The phases evaluate <see cref="Probe"/> once the page is interactive and read window.__perf.samples.
/// </summary>
public static class KeystrokeLatency
{
    public const string ErrorSelector = "[data-testid=\"containers-cidr-error\"]";

    public const string Probe = """
        () => {
          const sel = '[data-testid="containers-cidr-error"]';
          const p = window.__perf = { t0: 0, shown: !!document.querySelector(sel), samples: [] };
          window.addEventListener('keydown', () => { p.t0 = performance.now(); }, true);
          new MutationObserver(() => {
            const shown = !!document.querySelector(sel);
            if (shown !== p.shown) { p.shown = shown; p.samples.push({ ms: performance.now() - p.t0, shown }); }
          }).observe(document.body, { childList: true, subtree: true });
        }
        """;

    /// <summary>One change of the message: the time from the last keydown, and whether it appeared or went.</summary>
    public sealed class Sample
    {
        public double Ms { get; set; }
        public bool Shown { get; set; }
    }
}
