// Generates the Prisma client for both providers (runs on `npm install`). Offline: Prisma 6.19's
// JavaScript engine needs no download as long as the datasource URL variable is set.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const prisma = path.join(root, "node_modules", ".bin", "prisma");

for (const provider of ["sqlite", "postgres"]) {
  execFileSync(prisma, ["generate"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      PRISMA_PROVIDER: provider,
      PRISMA_SQLITE_URL: "file::memory:",
      PRISMA_POSTGRES_URL: "postgres://localhost/unused",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
    },
  });
  console.log(`prisma client generated for ${provider}`);
}
