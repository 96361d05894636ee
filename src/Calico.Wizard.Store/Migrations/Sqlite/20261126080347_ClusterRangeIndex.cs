using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Calico.Wizard.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ClusterRangeIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Clusters_Provider_NetworkKey",
                table: "Clusters");

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

            migrationBuilder.CreateIndex(
                name: "IX_Clusters_Provider_NetworkKey_ContainersFirst",
                table: "Clusters",
                columns: new[] { "Provider", "NetworkKey", "ContainersFirst" });

            migrationBuilder.CreateIndex(
                name: "IX_Clusters_Provider_NetworkKey_ServicesFirst",
                table: "Clusters",
                columns: new[] { "Provider", "NetworkKey", "ServicesFirst" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Clusters_Provider_NetworkKey_ContainersFirst",
                table: "Clusters");

            migrationBuilder.DropIndex(
                name: "IX_Clusters_Provider_NetworkKey_ServicesFirst",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ContainersFirst",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ContainersLast",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ServicesFirst",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ServicesLast",
                table: "Clusters");

            migrationBuilder.CreateIndex(
                name: "IX_Clusters_Provider_NetworkKey",
                table: "Clusters",
                columns: new[] { "Provider", "NetworkKey" });
        }
    }
}
