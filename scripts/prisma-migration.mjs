// Writes a new migration for both providers: `npm run db:migration -- <name>`.
// Diffs the schema saved with the latest migration against the current one (offline, no database
// needed) and stores the SQL plus a snapshot of the schema it leads to. The app applies the SQL
// files itself on start (src/platform/db/migrate.ts), on SQLite and on Postgres alike.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync, copyFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const prisma = path.join(root, "node_modules", ".bin", "prisma");
const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_").toLowerCase();
if (!name) {
  console.error("usage: npm run db:migration -- <name>   (run npm run db:schemas first)");
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);

for (const provider of ["sqlite", "postgres"]) {
  const dir = path.join(root, "prisma", provider, "migrations");
  mkdirSync(dir, { recursive: true });
  const previous = readdirSync(dir)
    .filter((d) => existsSync(path.join(dir, d, "schema.snapshot.prisma")))
    .sort()
    .at(-1);
  const from = previous ? ["--from-schema-datamodel", path.join(dir, previous, "schema.snapshot.prisma")] : ["--from-empty"];
  const schema = path.join(root, "prisma", provider, "schema.prisma");
  const sql = execFileSync(prisma, ["migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"], {
    cwd: root,
    encoding: "utf8",
    env: {
      ...process.env,
      PRISMA_PROVIDER: provider,
      PRISMA_SQLITE_URL: "file::memory:",
      PRISMA_POSTGRES_URL: process.env.PRISMA_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    },
  });
  if (!/\S/.test(sql.replace(/^--.*$/gm, ""))) {
    console.log(`${provider}: no changes`);
    continue;
  }
  const target = path.join(dir, `${stamp}_${name}`);
  mkdirSync(target, { recursive: true });
  writeFileSync(path.join(target, "migration.sql"), sql);
  copyFileSync(schema, path.join(target, "schema.snapshot.prisma"));
  console.log(`${provider}: wrote ${path.relative(root, target)}/migration.sql`);
}
