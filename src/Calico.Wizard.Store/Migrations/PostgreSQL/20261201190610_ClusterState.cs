using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Calico.Wizard.Store.Migrations.PostgreSQL
{
    /// <inheritdoc />
    public partial class ClusterState : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Name",
                table: "Clusters",
                type: "character varying(63)",
                maxLength: 63,
                nullable: false,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(63)",
                oldMaxLength: 63);

            migrationBuilder.AddColumn<string>(
                name: "State",
                table: "Clusters",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            // Clusters submitted before this column: their newest job's state, as ClusterStates keeps it from now on
            // (a correlated subquery on IX_Jobs_ClusterId; the same SQL on SQLite and PostgreSQL).
            migrationBuilder.Sql("""
                UPDATE "Clusters" SET "State" = (
                    SELECT j."State" FROM "Jobs" AS j WHERE j."ClusterId" = "Clusters"."Id" ORDER BY j."CreatedAt" DESC LIMIT 1);
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Clusters_CreatedAt",
                table: "Clusters",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Clusters_NetworkKey_CreatedAt",
                table: "Clusters",
                columns: new[] { "NetworkKey", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Clusters_Provider_CreatedAt",
                table: "Clusters",
                columns: new[] { "Provider", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Clusters_Provider_NetworkKey_CreatedAt",
                table: "Clusters",
                columns: new[] { "Provider", "NetworkKey", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Clusters_State_CreatedAt",
                table: "Clusters",
                columns: new[] { "State", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Clusters_CreatedAt",
                table: "Clusters");

            migrationBuilder.DropIndex(
                name: "IX_Clusters_NetworkKey_CreatedAt",
                table: "Clusters");

            migrationBuilder.DropIndex(
                name: "IX_Clusters_Provider_CreatedAt",
                table: "Clusters");

            migrationBuilder.DropIndex(
                name: "IX_Clusters_Provider_NetworkKey_CreatedAt",
                table: "Clusters");

            migrationBuilder.DropIndex(
                name: "IX_Clusters_State_CreatedAt",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "State",
                table: "Clusters");

            migrationBuilder.AlterColumn<string>(
                name: "Name",
                table: "Clusters",
                type: "character varying(63)",
                maxLength: 63,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(63)",
                oldMaxLength: 63,
                oldCollation: "C");
        }
    }
}
