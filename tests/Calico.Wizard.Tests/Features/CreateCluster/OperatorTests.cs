using Bunit;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Calico.Wizard.Tests.WizardDom;

namespace Calico.Wizard.Tests.Features.CreateCluster;

public sealed class OperatorTests : WizardTestContext
{
    [Fact]
    public async Task Submit_is_refused_for_a_signed_in_user_without_the_operator_role()
    {
        Operator.SetPolicies(); // signed in, but not an operator
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Review);

        await cut.InvokeAsync(() => cut.ByTestId("submit").Click());

        cut.WaitForAssertion(() => Assert.Contains("Only operators may create clusters", cut.ByTestId("submit-errors").TextContent));
        await using var db = await Services.GetRequiredService<IDbContextFactory<WizardDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.Clusters.CountAsync());
    }

    [Fact]
    public async Task Submit_by_an_operator_is_recorded_in_the_audit_trail_under_their_name()
    {
        var cut = await RenderWizardAsync(ValidDraft(), WizardStep.Review);

        await cut.InvokeAsync(() => cut.ByTestId("submit").Click());

        await using var db = await Services.GetRequiredService<IDbContextFactory<WizardDbContext>>().CreateDbContextAsync();
        var entry = await WaitForAsync<AuditEntry>(() => db.Audit.AsNoTracking().SingleOrDefaultAsync(a => a.Action == AuditAction.Submitted));
        Assert.Equal("ops@example.com", entry.Actor);
        Assert.NotNull(entry.ClusterId);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> read) where T : class
    {
        var deadline = DateTime.UtcNow + DefaultWaitTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await read() is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException("the audit entry was not written");
    }
}
