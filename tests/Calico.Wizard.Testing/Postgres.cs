using Xunit;

namespace Calico.Wizard.Testing;

/// <summary>PostgreSQL tests need a server: .ci/test.sh starts one on 127.0.0.1 and sets CALICO_WIZARD_POSTGRES.</summary>
public static class PostgresTests
{
    public const string Variable = "CALICO_WIZARD_POSTGRES";

    /// <summary>A role allowed to create databases; each fixture makes its own and drops it.</summary>
    public static string ConnectionString => Environment.GetEnvironmentVariable(Variable) ?? "";

    public static string? SkipReason => ConnectionString.Length > 0 ? null
        : $"Set {Variable} to a PostgreSQL connection string (a role with CREATEDB on 127.0.0.1) to run this; bash .ci/test.sh starts a server and sets it.";
}

/// <summary>A fact that runs on PostgreSQL, and says why it was skipped when no server is configured.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = PostgresTests.SkipReason;
}
