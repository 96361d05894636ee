using System.Text.Json;

namespace Calico.Wizard.Headless;

/// <summary>What the command prints: plain lines for people, one JSON object per line for scripts.</summary>
public sealed class Report(bool json, TextWriter output)
{
    public void Progress(string state, string step, string? line) => Write(new { @event = "progress", state, step, line },
        $"[{state}] {step}{(string.IsNullOrEmpty(line) ? "" : $" — {line}")}");

    public void Invalid(IReadOnlyList<(string Field, string Message)> errors) => Write(
        new { @event = "invalid", errors = errors.Select(e => new { field = e.Field, message = e.Message }) },
        "The spec breaks the wizard's rules:\n" + string.Join("\n", errors.Select(e => $"  {e.Field}: {e.Message}")));

    public void Suggested(string field, string cidr, string reason) => Write(new { @event = "suggested", field, cidr, reason }, $"Suggested {field}: {reason}");

    /// <summary>A spec key that does not apply to the draft (dataplane on Flannel): kept by the wizard, named in its warning.</summary>
    public void Ignored(string field, string message) => Write(new { @event = "ignored", field, message }, $"Ignored {field}: {message}");

    public void Submitted(string clusterUrl) => Write(new { @event = "submitted", url = clusterUrl }, $"Submitted: {clusterUrl}");

    public void Finished(string state, string clusterUrl, string? error) => Write(new { @event = "finished", state, url = clusterUrl, error },
        $"Finished: {state}{(error is null ? "" : $" — {error}")}");

    public void Error(string message) => Write(new { @event = "error", message }, message);

    private void Write(object value, string text) => output.WriteLine(json ? JsonSerializer.Serialize(value) : text);
}
