using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Calico.Wizard.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DraftOwner : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Owner",
                table: "Drafts",
                type: "TEXT",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Owner",
                table: "Drafts");
        }
    }
}
