using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VirtualBanker.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class IndexesLeadWithLookupColumn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Users_TenantId_Email",
                table: "Users");

            migrationBuilder.DropIndex(
                name: "IX_Users_TenantId_ExternalIssuer_ExternalSubject",
                table: "Users");

            migrationBuilder.DropIndex(
                name: "IX_Transactions_TenantId_ExternalId",
                table: "Transactions");

            migrationBuilder.DropIndex(
                name: "IX_Transactions_TenantId_UserId_Timestamp",
                table: "Transactions");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_TenantId_UserId",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Sessions_TenantId_UserId",
                table: "Sessions");

            migrationBuilder.DropIndex(
                name: "IX_Notifications_TenantId_UserId_CreatedAt",
                table: "Notifications");

            migrationBuilder.DropIndex(
                name: "IX_Notifications_UserId",
                table: "Notifications");

            migrationBuilder.DropIndex(
                name: "IX_FraudAlerts_TenantId_UserId",
                table: "FraudAlerts");

            migrationBuilder.DropIndex(
                name: "IX_Agents_TenantId_Slug",
                table: "Agents");

            migrationBuilder.DropIndex(
                name: "IX_Accounts_TenantId_UserId",
                table: "Accounts");

            migrationBuilder.CreateIndex(
                name: "IX_Users_Email_TenantId",
                table: "Users",
                columns: new[] { "Email", "TenantId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Users_ExternalSubject_ExternalIssuer_TenantId",
                table: "Users",
                columns: new[] { "ExternalSubject", "ExternalIssuer", "TenantId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Users_TenantId",
                table: "Users",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_ExternalId_TenantId",
                table: "Transactions",
                columns: new[] { "ExternalId", "TenantId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_UserId_Timestamp",
                table: "Transactions",
                columns: new[] { "UserId", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_Sessions_TenantId",
                table: "Sessions",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_UserId_CreatedAt",
                table: "Notifications",
                columns: new[] { "UserId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_FraudAlerts_UserId",
                table: "FraudAlerts",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_Agents_Slug_TenantId",
                table: "Agents",
                columns: new[] { "Slug", "TenantId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Agents_TenantId",
                table: "Agents",
                column: "TenantId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Users_Email_TenantId",
                table: "Users");

            migrationBuilder.DropIndex(
                name: "IX_Users_ExternalSubject_ExternalIssuer_TenantId",
                table: "Users");

            migrationBuilder.DropIndex(
                name: "IX_Users_TenantId",
                table: "Users");

            migrationBuilder.DropIndex(
                name: "IX_Transactions_ExternalId_TenantId",
                table: "Transactions");

            migrationBuilder.DropIndex(
                name: "IX_Transactions_UserId_Timestamp",
                table: "Transactions");

            migrationBuilder.DropIndex(
                name: "IX_Sessions_TenantId",
                table: "Sessions");

            migrationBuilder.DropIndex(
                name: "IX_Notifications_UserId_CreatedAt",
                table: "Notifications");

            migrationBuilder.DropIndex(
                name: "IX_FraudAlerts_UserId",
                table: "FraudAlerts");

            migrationBuilder.DropIndex(
                name: "IX_Agents_Slug_TenantId",
                table: "Agents");

            migrationBuilder.DropIndex(
                name: "IX_Agents_TenantId",
                table: "Agents");

            migrationBuilder.CreateIndex(
                name: "IX_Users_TenantId_Email",
                table: "Users",
                columns: new[] { "TenantId", "Email" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Users_TenantId_ExternalIssuer_ExternalSubject",
                table: "Users",
                columns: new[] { "TenantId", "ExternalIssuer", "ExternalSubject" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_TenantId_ExternalId",
                table: "Transactions",
                columns: new[] { "TenantId", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_TenantId_UserId_Timestamp",
                table: "Transactions",
                columns: new[] { "TenantId", "UserId", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_TenantId_UserId",
                table: "Tickets",
                columns: new[] { "TenantId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_Sessions_TenantId_UserId",
                table: "Sessions",
                columns: new[] { "TenantId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_TenantId_UserId_CreatedAt",
                table: "Notifications",
                columns: new[] { "TenantId", "UserId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_UserId",
                table: "Notifications",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_FraudAlerts_TenantId_UserId",
                table: "FraudAlerts",
                columns: new[] { "TenantId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_Agents_TenantId_Slug",
                table: "Agents",
                columns: new[] { "TenantId", "Slug" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Accounts_TenantId_UserId",
                table: "Accounts",
                columns: new[] { "TenantId", "UserId" });
        }
    }
}
