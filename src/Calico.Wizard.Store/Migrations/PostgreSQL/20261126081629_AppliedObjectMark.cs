using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Calico.Wizard.Store.Migrations.PostgreSQL
{
    /// <inheritdoc />
    public partial class AppliedObjectMark : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "ResourceVersion",
                table: "AppliedObjects",
                newName: "Mark");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "Mark",
                table: "AppliedObjects",
                newName: "ResourceVersion");
        }
    }
}
