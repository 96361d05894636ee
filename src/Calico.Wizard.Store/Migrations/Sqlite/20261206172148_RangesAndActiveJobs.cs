using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Calico.Wizard.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RangesAndActiveJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Clusters_Provider_NetworkKey_ContainersFirst",
                table: "Clusters");

            migrationBuilder.DropIndex(
                name: "IX_Clusters_Provider_NetworkKey_ContainersV6First",
                table: "Clusters");

            migrationBuilder.DropIndex(
                name: "IX_Clusters_Provider_NetworkKey_ServicesFirst",
                table: "Clusters");

            migrationBuilder.DropIndex(
                name: "IX_Clusters_Provider_NetworkKey_ServicesV6First",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ContainersFirst",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ContainersLast",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ContainersV6First",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ContainersV6Last",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ServicesFirst",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ServicesLast",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ServicesV6First",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ServicesV6Last",
                table: "Clusters");

            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "ClusterRanges",
                columns: table => new
                {
                    ClusterId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NetworkKey = table.Column<string>(type: "TEXT", nullable: false),
                    Cidr = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    First = table.Column<string>(type: "TEXT", unicode: false, maxLength: 32, nullable: false),
                    Last = table.Column<string>(type: "TEXT", unicode: false, maxLength: 32, nullable: false),
                    Exclusive = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClusterRanges", x => new { x.ClusterId, x.Kind });
                    table.ForeignKey(
                        name: "FK_ClusterRanges_Clusters_ClusterId",
                        column: x => x.ClusterId,
                        principalTable: "Clusters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Before one active job per cluster is a unique index: a cluster that has several (concurrent run-again
            // requests before this release could start them) keeps its newest; the others end Cancelled, saying why.
            migrationBuilder.Sql("""
                UPDATE "Jobs" SET "State" = 'Cancelled', "CancelRequested" = 0,
                    "Error" = 'Cancelled by the upgrade: a newer job of the same cluster was queued or running', "FinishedAt" = strftime('%Y-%m-%d %H:%M:%f', 'now'), "LeaseExpiresAt" = NULL
                WHERE "State" IN ('Pending', 'Running') AND EXISTS (
                    SELECT 1 FROM "Jobs" AS n WHERE n."ClusterId" = "Jobs"."ClusterId" AND n."State" IN ('Pending', 'Running')
                        AND (n."CreatedAt" > "Jobs"."CreatedAt" OR (n."CreatedAt" = "Jobs"."CreatedAt" AND n."Id" > "Jobs"."Id")));
                """);

            migrationBuilder.CreateIndex(
                name: "UX_Jobs_ClusterId_Active",
                table: "Jobs",
                column: "ClusterId",
                unique: true,
                filter: "\"State\" IN ('Pending', 'Running')");

            migrationBuilder.CreateIndex(
                name: "IX_ClusterRanges_Provider_NetworkKey_First",
                table: "ClusterRanges",
                columns: new[] { "Provider", "NetworkKey", "First" });

            // No two exclusive ranges of one provider's network overlap: SQLite has one writer at a time, and this
            // trigger runs inside its write, so the check and the insert are one act across every process on the file.
            // Exclusive ranges are disjoint (this trigger keeps them so), hence the one that could contain the new
            // range is the one starting last at or before it: two seeks on IX_ClusterRanges_Provider_NetworkKey_First.
            migrationBuilder.Sql("""
                CREATE TRIGGER "NoOverlap_ClusterRanges" BEFORE INSERT ON "ClusterRanges"
                WHEN NEW."Exclusive"
                BEGIN
                    SELECT RAISE(ABORT, 'NoOverlap_ClusterRanges: the range overlaps another cluster''s on its network')
                    WHERE EXISTS (SELECT 1 FROM "ClusterRanges" AS r
                                  WHERE r."Provider" = NEW."Provider" AND r."NetworkKey" = NEW."NetworkKey"
                                    AND r."First" >= NEW."First" AND r."First" <= NEW."Last" AND r."Exclusive")
                       OR (SELECT r."Last" FROM "ClusterRanges" AS r
                           WHERE r."Provider" = NEW."Provider" AND r."NetworkKey" = NEW."NetworkKey" AND r."First" <= NEW."First" AND r."Exclusive"
                           ORDER BY r."First" DESC LIMIT 1) >= NEW."First";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "NoOverlap_ClusterRanges_Written_Once" BEFORE UPDATE ON "ClusterRanges"
                BEGIN
                    SELECT RAISE(ABORT, 'NoOverlap_ClusterRanges: a range is written once, with its cluster');
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ClusterRanges");

            migrationBuilder.DropIndex(
                name: "UX_Jobs_ClusterId_Active",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "Jobs");

            migrationBuilder.AddColumn<string>(
                name: "ContainersFirst",
                table: "Clusters",
                type: "TEXT",
                unicode: false,
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ContainersLast",
                table: "Clusters",
                type: "TEXT",
                unicode: false,
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ContainersV6First",
                table: "Clusters",
                type: "TEXT",
                unicode: false,
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ContainersV6Last",
                table: "Clusters",
                type: "TEXT",
                unicode: false,
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ServicesFirst",
                table: "Clusters",
                type: "TEXT",
                unicode: false,
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ServicesLast",
                table: "Clusters",
                type: "TEXT",
                unicode: false,
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ServicesV6First",
                table: "Clusters",
                type: "TEXT",
                unicode: false,
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ServicesV6Last",
                table: "Clusters",
                type: "TEXT",
                unicode: false,
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Clusters_Provider_NetworkKey_ContainersFirst",
                table: "Clusters",
                columns: new[] { "Provider", "NetworkKey", "ContainersFirst" });

            migrationBuilder.CreateIndex(
                name: "IX_Clusters_Provider_NetworkKey_ContainersV6First",
                table: "Clusters",
                columns: new[] { "Provider", "NetworkKey", "ContainersV6First" });

            migrationBuilder.CreateIndex(
                name: "IX_Clusters_Provider_NetworkKey_ServicesFirst",
                table: "Clusters",
                columns: new[] { "Provider", "NetworkKey", "ServicesFirst" });

            migrationBuilder.CreateIndex(
                name: "IX_Clusters_Provider_NetworkKey_ServicesV6First",
                table: "Clusters",
                columns: new[] { "Provider", "NetworkKey", "ServicesV6First" });
        }
    }
}
