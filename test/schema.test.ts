import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module script without types
import { renderSchema } from "../scripts/prisma-schemas.mjs";

const root = path.resolve(import.meta.dirname, "..");

describe("one data model, two providers", () => {
  it.each(["sqlite", "postgres"])("prisma/%s/schema.prisma is generated from prisma/models.prisma (run npm run db:schemas)", (provider) => {
    expect(readFileSync(path.join(root, "prisma", provider, "schema.prisma"), "utf8")).toBe(
      (renderSchema as (p: string) => string)(provider),
    );
  });

  it.each(["sqlite", "postgres"])(
    "the latest %s migration leads to the current schema (run npm run db:migration -- <name>)",
    (provider) => {
      const dir = path.join(root, "prisma", provider, "migrations");
      const latest = readdirSync(dir).sort().at(-1)!;
      expect(readFileSync(path.join(dir, latest, "schema.snapshot.prisma"), "utf8")).toBe(
        readFileSync(path.join(root, "prisma", provider, "schema.prisma"), "utf8"),
      );
    },
  );

  it("both providers have the same migrations", () => {
    const names = (p: string) => readdirSync(path.join(root, "prisma", p, "migrations")).map((n) => n.replace(/^\d+_/, ""));
    expect(names("sqlite")).toEqual(names("postgres"));
  });
});
