using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Calico.Wizard.Store.Migrations.PostgreSQL
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
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "ClusterRanges",
                columns: table => new
                {
                    ClusterId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Provider = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NetworkKey = table.Column<string>(type: "text", nullable: false),
                    Cidr = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    First = table.Column<string>(type: "character varying(32)", unicode: false, maxLength: 32, nullable: false, collation: "C"),
                    Last = table.Column<string>(type: "character varying(32)", unicode: false, maxLength: 32, nullable: false, collation: "C"),
                    Exclusive = table.Column<bool>(type: "boolean", nullable: false)
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
                UPDATE "Jobs" SET "State" = 'Cancelled', "CancelRequested" = false,
                    "Error" = 'Cancelled by the upgrade: a newer job of the same cluster was queued or running', "FinishedAt" = now(), "LeaseExpiresAt" = NULL
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

            // No two exclusive ranges of one provider's network overlap, whichever replica writes them: an exclusion
            // constraint (inet && under GiST). Scoping by provider and network needs btree_gist's "=" on text, a
            // trusted extension: the database's owner (the role the app migrates with) may create it.
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS btree_gist;");
            migrationBuilder.Sql("""
                ALTER TABLE "ClusterRanges" ADD CONSTRAINT "NoOverlap_ClusterRanges"
                    EXCLUDE USING gist ("Provider" WITH =, "NetworkKey" WITH =, (("Cidr")::inet) inet_ops WITH &&) WHERE ("Exclusive");
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
                type: "character varying(32)",
                unicode: false,
                maxLength: 32,
                nullable: false,
                defaultValue: "",
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "ContainersLast",
                table: "Clusters",
                type: "character varying(32)",
                unicode: false,
                maxLength: 32,
                nullable: false,
                defaultValue: "",
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "ContainersV6First",
                table: "Clusters",
                type: "character varying(32)",
                unicode: false,
                maxLength: 32,
                nullable: true,
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "ContainersV6Last",
                table: "Clusters",
                type: "character varying(32)",
                unicode: false,
                maxLength: 32,
                nullable: true,
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "ServicesFirst",
                table: "Clusters",
                type: "character varying(32)",
                unicode: false,
                maxLength: 32,
                nullable: false,
                defaultValue: "",
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "ServicesLast",
                table: "Clusters",
                type: "character varying(32)",
                unicode: false,
                maxLength: 32,
                nullable: false,
                defaultValue: "",
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "ServicesV6First",
                table: "Clusters",
                type: "character varying(32)",
                unicode: false,
                maxLength: 32,
                nullable: true,
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "ServicesV6Last",
                table: "Clusters",
                type: "character varying(32)",
                unicode: false,
                maxLength: 32,
                nullable: true,
                collation: "C");

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
