using Npgsql;
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

    /// <summary>Drops a database a test made, once every pool of this process has let go of it.</summary>
    /// <remarks>
    /// <c>WITH (FORCE)</c> ends sessions still open on it (a pool another test left), but only sessions the role may
    /// signal. CI failed with 42501 "must be a member of the role whose process is being terminated" after a test that
    /// writes many rows; every session of ours is calico_ci, so the other was most likely an autovacuum worker (it
    /// belongs to no role). A plain DROP stops autovacuum itself and waits up to 5 s for sessions to end, so that is the
    /// fallback, repeated while the database is still in use, up to a minute. Checked by hand with a superuser session
    /// left open on the database: FORCE is refused, the fallback drops it once that session ends.
    /// </remarks>
    public static async Task DropDatabaseAsync(string database)
    {
        if (ConnectionString.Length == 0) return;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(ConnectionString);
        await admin.OpenAsync();
        var name = "\"" + database.Replace("\"", "\"\"") + "\"";
        try
        {
            await using var force = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
            await force.ExecuteNonQueryAsync();
            return;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege) { }
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name}", admin);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && DateTime.UtcNow < deadline) { }
        }
    }
}

/// <summary>A fact that runs on PostgreSQL, and says why it was skipped when no server is configured.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = PostgresTests.SkipReason;
}

/// <summary>A theory that runs on PostgreSQL, and says why it was skipped when no server is configured.</summary>
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute() => Skip = PostgresTests.SkipReason;
}
