using Microsoft.Data.Sqlite;
using Npgsql;

namespace Calico.Wizard.Store;

/// <summary>Which of the store's promises a refused write ran into.</summary>
public enum StoreConflict
{
    /// <summary>Not a conflict: some other failure.</summary>
    None,
    /// <summary>A range overlaps another cluster's on the same network (the ranges' no-overlap constraint).</summary>
    RangeTaken,
    /// <summary>The cluster name is taken.</summary>
    NameTaken,
    /// <summary>The draft already made a cluster.</summary>
    DraftTaken,
    /// <summary>The cluster already has a queued or running job.</summary>
    ActiveJob,
    /// <summary>The same row again (a primary key): written meanwhile by another request or replica.</summary>
    Duplicate,
}

/// <summary>
/// Reads a refused write of either database as the promise it broke, so callers answer with what it means (take
/// the next free range, name the cluster that won, 409) instead of an error page. The names are the model's own:
/// the unique indexes EF creates and the NoOverlap constraint and trigger of the migrations.
/// </summary>
public static class StoreConflicts
{
    /// <summary>The no-overlap constraint (PostgreSQL) and trigger (SQLite) of the ClusterRanges table.</summary>
    public const string NoOverlap = "NoOverlap_ClusterRanges";

    public static StoreConflict Of(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation }:
                    return StoreConflict.RangeTaken;
                case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg:
                    return OfName(pg.ConstraintName ?? "", pg.TableName ?? "");
                case SqliteException { SqliteErrorCode: 19 } lite: // SQLITE_CONSTRAINT: the message names what
                    if (lite.Message.Contains(NoOverlap, StringComparison.Ordinal)) return StoreConflict.RangeTaken;
                    var at = lite.Message.IndexOf("UNIQUE constraint failed: ", StringComparison.Ordinal);
                    return at < 0 ? StoreConflict.None : OfName(lite.Message[(at + 26)..].Trim().TrimEnd('.', '\''), "");
            }
        }
        return StoreConflict.None;
    }

    /// <summary>PostgreSQL names the index (IX_Clusters_Name); SQLite the columns (Clusters.Name).</summary>
    private static StoreConflict OfName(string name, string table) => name switch
    {
        "IX_Clusters_Name" or "Clusters.Name" => StoreConflict.NameTaken,
        "IX_Clusters_DraftId" or "Clusters.DraftId" => StoreConflict.DraftTaken,
        WizardDbContext.OneActiveJobIndex or "Jobs.ClusterId" => StoreConflict.ActiveJob,
        _ when name.StartsWith("PK_", StringComparison.Ordinal) || table.Length > 0 || name.Contains('.', StringComparison.Ordinal) => StoreConflict.Duplicate,
        _ => StoreConflict.None,
    };
}
