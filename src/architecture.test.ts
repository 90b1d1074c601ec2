// The layering, checked from the imports of every source file (no database needed). A failure names the
// file, the import and the rule it breaks. See docs/architecture.md for the layout these rules keep.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const CONTEXTS = ["support", "success", "feedback"] as const;
const LISTENER_SURFACES = ["events", "actions", "commands", "shortcuts", "views", "home"];
/** Packages a rule may use: validation, dates and text analysis, all pure. */
const RULE_PACKAGES = new Set(["zod", "luxon", "wink-nlp", "wink-eng-lite-web-model"]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== "generated") out.push(...sourceFiles(full));
    } else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) out.push(full);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

interface Edge {
  from: string; // repo-relative path
  spec: string;
  to: string; // repo-relative path of a local file, or the package name
  local: boolean;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of [...sourceFiles(path.join(root, "src"))]) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      const from = path.relative(root, file);
      if (spec.startsWith(".")) out.push({ from, spec, to: path.relative(root, path.resolve(path.dirname(file), spec)), local: true });
      else out.push({ from, spec, to: spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0], local: false });
    }
  }
  return out;
}

const contextOf = (p: string) => CONTEXTS.find((c) => p.startsWith(`src/${c}/`)) ?? null;
const layerOf = (p: string) => /^src\/(?:support|success|feedback)\/(rules|use-cases|store)\//.exec(p)?.[1] ?? null;
const isListener = (p: string) => LISTENER_SURFACES.some((s) => p.startsWith(`src/slack/${s}/`));

/** Every broken rule, as "file -> import: rule". */
function violations(): string[] {
  const found: string[] = [];
  for (const e of edges()) {
    const say = (rule: string) => found.push(`${e.from} -> ${e.spec}: ${rule}`);
    const ctx = contextOf(e.from);
    const layer = layerOf(e.from);
    if (layer === "rules") {
      if (e.local && !(e.to.startsWith(`src/${ctx}/rules/`) || e.to.startsWith("src/shared/")))
        say("a rule imports only its context's rules and src/shared");
      if (!e.local && !RULE_PACKAGES.has(e.to)) say(`a rule imports no package but ${[...RULE_PACKAGES].join(", ")}`);
    }
    if (ctx && e.local && (e.to.startsWith("src/slack/") || e.to.startsWith("src/http/") || e.to === "src/main.ts"))
      say("the domain knows nothing of Slack, HTTP or the wiring");
    if (ctx && !e.local && (e.to.startsWith("@slack/") || e.to === "@prisma/client")) say("the domain knows nothing of Slack or Prisma");
    if (ctx && e.local && layer !== "store" && e.to.startsWith("src/generated/")) say("only a store uses the generated Prisma client");
    const target = contextOf(e.to);
    if (e.local && target && ctx && target !== ctx && layerOf(e.to) === "store")
      say("a context never reaches into another context's store");
    if (
      isListener(e.from) &&
      e.local &&
      (layerOf(e.to) === "store" || e.to.startsWith("src/platform/db/") || e.to.startsWith("src/generated/"))
    )
      say("a listener calls a use case; it never touches a store or the database");
    if (
      e.from.startsWith("src/slack/blocks/") &&
      e.local &&
      (layerOf(e.to) === "store" || layerOf(e.to) === "use-cases" || e.to.startsWith("src/platform/"))
    )
      say("Block Kit builders are pure: they take data, not stores, use cases or platform pieces");
    if (e.from.startsWith("src/") && e.local && /^(test|bench|tools)\//.test(e.to)) say("the app never imports tests, benchmarks or tools");
    if (e.local && e.to === "src/main.ts" && e.from !== "src/main.ts") say("nothing imports the wiring");
  }
  for (const file of sourceFiles(path.join(root, "src"))) {
    const from = path.relative(root, file);
    if (!from.startsWith("src/platform/db/") && /\$(?:queryRaw|executeRaw)(?:Unsafe)?\b/.test(readFileSync(file, "utf8")))
      found.push(`${from}: raw SQL runs only through src/platform/db/sql.ts (one placeholder scheme)`);
  }
  for (const file of sourceFiles(path.join(root, "src", "slack"))) {
    const from = path.relative(root, file);
    if (isListener(from) && /\bdeps\.db\b|\$queryRaw|\$executeRaw|\$transaction/.test(readFileSync(file, "utf8")))
      found.push(`${from}: a listener calls a use case; it never queries the database`);
  }
  return found;
}

/**
 * Layering debts not yet paid, each an exact "file -> import: rule" line. The list may only shrink:
 * a new violation fails, and so does an entry that no longer occurs (remove it).
 */
const KNOWN: string[] = [];

describe("architecture", () => {
  it("every import keeps the layering (rules pure, listeners call use cases, contexts keep to their stores)", () => {
    const now = violations();
    const added = now.filter((v) => !KNOWN.includes(v));
    const paid = KNOWN.filter((v) => !now.includes(v));
    expect(added, "new layering violations").toEqual([]);
    expect(paid, "fixed violations still listed in KNOWN: remove them").toEqual([]);
  });

  it("the checker sees the imports it checks", () => {
    const all = edges();
    expect(all.length).toBeGreaterThan(100);
    expect(all.some((e) => e.from === "src/main.ts" && e.local)).toBe(true);
  });
});
