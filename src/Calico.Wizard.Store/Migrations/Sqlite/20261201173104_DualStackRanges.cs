using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Calico.Wizard.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DualStackRanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ContainersCidrV6",
                table: "Clusters",
                type: "TEXT",
                nullable: true);

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
                name: "ServicesCidrV6",
                table: "Clusters",
                type: "TEXT",
                nullable: true);

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
                name: "IX_Clusters_Provider_NetworkKey_ContainersV6First",
                table: "Clusters",
                columns: new[] { "Provider", "NetworkKey", "ContainersV6First" });

            migrationBuilder.CreateIndex(
                name: "IX_Clusters_Provider_NetworkKey_ServicesV6First",
                table: "Clusters",
                columns: new[] { "Provider", "NetworkKey", "ServicesV6First" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Clusters_Provider_NetworkKey_ContainersV6First",
                table: "Clusters");

            migrationBuilder.DropIndex(
                name: "IX_Clusters_Provider_NetworkKey_ServicesV6First",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ContainersCidrV6",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ContainersV6First",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ContainersV6Last",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ServicesCidrV6",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ServicesV6First",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ServicesV6Last",
                table: "Clusters");
        }
    }
}
