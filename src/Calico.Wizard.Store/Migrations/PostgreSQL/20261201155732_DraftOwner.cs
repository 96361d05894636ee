using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Calico.Wizard.Store.Migrations.PostgreSQL
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
                type: "character varying(200)",
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
