// Prisma CLI configuration (generate and migrate diff only: the app applies migrations itself).
// PRISMA_PROVIDER picks the schema; scripts/prisma-generate.mjs runs both.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

const provider = process.env.PRISMA_PROVIDER === "postgres" ? "postgres" : "sqlite";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", provider, "schema.prisma"),
  async adapter() {
    return provider === "postgres"
      ? new PrismaPg({ connectionString: process.env.PRISMA_POSTGRES_URL ?? "postgres://localhost/unused" })
      : new PrismaBetterSQLite3({ url: process.env.PRISMA_SQLITE_URL ?? "file::memory:" });
  },
});
