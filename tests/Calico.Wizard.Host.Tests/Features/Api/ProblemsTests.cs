using Calico.Wizard.Core.Rules;
using FluentValidation.Results;

namespace Calico.Wizard.Host.Tests.Features.Api;

/// <summary>A 422's messages stay under their budget, however many fields and policies break a rule, and say what was left out.</summary>
public sealed class ProblemsTests
{
    [Fact]
    public void Messages_past_the_budget_are_counted_in_the_last_field_shown()
    {
        // 200 policies' worth of long messages (more than a draft may hold: the budget is the last net, not the first)
        var failures = Enumerable.Range(0, 200).SelectMany(p => Enumerable.Range(0, 4)
            .Select(m => new ValidationFailure($"NetworkPolicies[{p}]", $"message {m}: " + new string('x', 300)))).ToList();

        var problems = WizardEndpoints.Problems(new DraftCheck(failures));

        var bytes = problems.Sum(p => p.Key.Length + p.Value.Sum(m => System.Text.Encoding.UTF8.GetByteCount(m)));
        Assert.InRange(bytes, WizardEndpoints.MaxProblemBytes / 2, WizardEndpoints.MaxProblemBytes + 1024);
        var shown = problems.Count;
        Assert.InRange(shown, 2, 199);
        Assert.Equal($"… and {(200 - shown) * 4} more messages for {200 - shown} more fields or policies: fix these first.", problems.Last().Value[^1]);
        Assert.Equal("NetworkPolicies[0]", problems.First().Key); // in the rules' order
    }

    [Fact]
    public void Messages_within_the_budget_are_all_shown_labelled()
    {
        var problems = WizardEndpoints.Problems(new DraftCheck([new ValidationFailure("Mtu", "too large")]));

        Assert.Equal(["MTU Size: too large"], Assert.Single(problems).Value);
    }
}
