// Writes one Prisma schema per provider from prisma/models.prisma (the only source of the model).
// Run after changing the model: `npm run db:schemas`, then `npm run db:migration -- <name>`.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const providers = {
  sqlite: { provider: "sqlite", env: "PRISMA_SQLITE_URL" },
  postgres: { provider: "postgresql", env: "PRISMA_POSTGRES_URL" },
};

export function renderSchema(name) {
  const { provider, env } = providers[name];
  const models = readFileSync(path.join(root, "prisma/models.prisma"), "utf8");
  return `// GENERATED from prisma/models.prisma by scripts/prisma-schemas.mjs: do not edit.

generator client {
  provider        = "prisma-client"
  output          = "../../src/generated/${name}"
  engineType      = "client"
  previewFeatures = ["queryCompiler", "driverAdapters"]
  moduleFormat    = "esm"
}

datasource db {
  provider = "${provider}"
  url      = env("${env}")
}

${models}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const name of Object.keys(providers)) {
    mkdirSync(path.join(root, "prisma", name), { recursive: true });
    writeFileSync(path.join(root, "prisma", name, "schema.prisma"), renderSchema(name));
    console.log(`wrote prisma/${name}/schema.prisma`);
  }
}
