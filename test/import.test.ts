// The CSV import (`npm run import -- accounts|usage|nps <file.csv>`): the CSV-to-rows conversion, and
// two real runs of the script on a fresh database (a good file stored; a bad file stores nothing and
// names every bad line).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHUNK_ROWS, CsvFileError, csvToBatch, readCsvInParts } from "../tools/import.ts";
import { openDatabase, type Database } from "../src/platform/db/client.ts";
import { freshDatabase } from "./support/harness.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

describe("csvToBatch", () => {
  it("reads accounts with numbers, attributes columns and empty cells as absent", () => {
    const batch = csvToBatch(
      "accounts",
      '\uFEFFexternalId,name,seats,arr,attributes.region,attributes.segment,tier\nacme,Acme,50,1200.5,EMEA,,\n\nglobex,"Globex, Inc",lots,,,mid,smb\n',
    );
    expect(batch.items).toEqual([
      { externalId: "acme", name: "Acme", seats: 50, arr: 1200.5, attributes: { region: "EMEA" } },
      { externalId: "globex", name: "Globex, Inc", seats: "lots", attributes: { segment: "mid" }, tier: "smb" },
    ]);
    expect(batch.lines).toEqual([2, 4]);
    expect(batch.problems).toEqual([]);
  });

  it("reads usage features as a ;-list and events as name=count pairs", () => {
    const batch = csvToBatch(
      "usage",
      "accountExternalId,date,activeUsers,featuresUsed,events\nacme,2026-01-02,12,reports; exports,uploads=3;exports=1\nacme,2026-01-03,4,,uploads\n",
    );
    expect(batch.items[0]).toEqual({
      accountExternalId: "acme",
      date: "2026-01-02",
      activeUsers: 12,
      featuresUsed: ["reports", "exports"],
      events: { uploads: 3, exports: 1 },
    });
    expect(batch.problems).toEqual([{ index: 1, field: "events", reason: expect.stringContaining("name=count") }]);
  });

  it("refuses a header with unknown or missing columns, and malformed CSV, naming the line", () => {
    expect(() => csvToBatch("usage", "accountExternalId,day,activeUsers\n")).toThrow(/line 1: unknown column "day"/);
    expect(() => csvToBatch("nps", "accountExternalId,score\n")).toThrow(/missing column "respondedAt"/);
    expect(() => csvToBatch("accounts", 'externalId,name\nacme,"Acme\n')).toThrow(CsvFileError);
    expect(() => csvToBatch("accounts", "externalId,name\nacme,Acme,extra\n")).toThrow(/line 2/);
  });
});

describe("readCsvInParts", () => {
  it("streams a file in parts of at most the given size, with each row's CSV line and problems by part", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "desk-parts-"));
    try {
      const file = path.join(dir, "usage.csv");
      writeFileSync(file, "accountExternalId,date,activeUsers,events\na,2026-01-01,1,\n\na,2026-01-02,2,x\na,2026-01-03,3,\n");
      const parts = [];
      for await (const part of readCsvInParts("usage", file, 2)) parts.push(part);
      expect(parts.map((p) => p.items.map((i) => i.date))).toEqual([["2026-01-01", "2026-01-02"], ["2026-01-03"]]);
      expect(parts.map((p) => p.lines)).toEqual([[2, 4], [5]]);
      expect(parts[0].problems).toEqual([{ index: 1, field: "events", reason: expect.stringContaining("name=count") }]);
      writeFileSync(file, "accountExternalId,day,activeUsers\n");
      await expect(readCsvInParts("usage", file).next()).rejects.toThrow(/line 1: unknown column "day"/);
      writeFileSync(file, 'accountExternalId,date,activeUsers\na,"2026\n');
      await expect(readCsvInParts("usage", file).next()).rejects.toThrow(CsvFileError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Runs the import as `npm run import -- …` does (with its memory settings). */
function runImport(args: string[], databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "-s", "import", "--", ...args], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    child.stderr.on("data", (d) => (stderr += String(d)));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run import", () => {
  let database: { url: string; drop: () => Promise<void> };
  let dir: string;
  let db: Database | null = null;

  beforeAll(async () => {
    database = await freshDatabase();
    dir = mkdtempSync(path.join(tmpdir(), "desk-import-"));
  });

  afterAll(async () => {
    await db?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("migrates the database, stores a good accounts file and says what it stored", async () => {
    const file = path.join(dir, "accounts.csv");
    writeFileSync(
      file,
      "externalId,name,seats,renewalDate,csmSlackUserId,attributes.region\nacme,Acme,50,2027-03-31,U0123ABCD,EMEA\nglobex,Globex,,,,\n",
    );
    const run = await runImport(["accounts", file], database.url);
    expect(run.stderr).not.toMatch(/problems|failed/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("stored 2 accounts");
    expect(run.stdout).toContain("2 created");
    db = await openDatabase(database.url);
    const acme = await db.client.account.findUniqueOrThrow({ where: { externalId: "acme" } });
    expect(acme).toMatchObject({ name: "Acme", seats: 50, renewalDate: "2027-03-31", csmSlackUserId: "U0123ABCD" });
    expect(JSON.parse(acme.attributes!)).toEqual({ region: "EMEA" });
  });

  it("prints every bad row with its line, field and reason, exits 1 and stores nothing", async () => {
    const file = path.join(dir, "usage.csv");
    writeFileSync(
      file,
      "accountExternalId,date,activeUsers,events\nacme,2026-01-02,12,uploads=3\nacme,2026-02-30,4,\nnobody,2026-01-02,x,\nacme,2026-01-02,7,\n",
    );
    const run = await runImport(["usage", file], database.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("3 of 4 rows have problems, so nothing was stored");
    expect(run.stderr).toMatch(/line 3, date: must be a real date/);
    expect(run.stderr).toMatch(/line 4, activeUsers: .*not "x"/);
    expect(run.stderr).toMatch(/line 4, accountExternalId: is not a known account \("nobody"\)/);
    expect(run.stderr).toMatch(/line 5, date: repeats usage of "acme"/);
    db ??= await openDatabase(database.url);
    expect(await db.client.usageDay.count()).toBe(0);
  });

  it("finds a row repeating one of an earlier part of the file, and stores nothing", async () => {
    const file = path.join(dir, "usage-repeat.csv");
    const rows = Array.from(
      { length: CHUNK_ROWS + 1 },
      (_, i) => `acme,${new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)},3,`,
    );
    writeFileSync(file, `accountExternalId,date,activeUsers,events\n${rows.join("\n")}\nacme,2020-01-01,4,\n`);
    const run = await runImport(["usage", file], database.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`1 of ${CHUNK_ROWS + 2} rows have problems, so nothing was stored`);
    expect(run.stderr).toContain(`line ${CHUNK_ROWS + 3}, date: repeats usage of "acme" on 2020-01-01, already at index 0`);
    db ??= await openDatabase(database.url);
    expect(await db.client.usageDay.count()).toBe(0);
  });

  it("streams a 200,000-row file within 300 MB, printing progress, and stores every row", { timeout: 600_000 }, async () => {
    const accounts = 200;
    const days = 1000;
    const accountsFile = path.join(dir, "big-accounts.csv");
    writeFileSync(
      accountsFile,
      `externalId,name,seats\n${Array.from({ length: accounts }, (_, i) => `big-${i},Big ${i},50`).join("\n")}\n`,
    );
    expect((await runImport(["accounts", accountsFile], database.url)).code).toBe(0);
    const usageFile = path.join(dir, "big-usage.csv");
    const lines = ["accountExternalId,date,activeUsers,featuresUsed,events"];
    for (let d = 0; d < days; d++) {
      const date = new Date(Date.UTC(2023, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
      for (let i = 0; i < accounts; i++) lines.push(`big-${i},${date},${(i * 7 + d) % 40},reports;exports,uploads=${d % 9};exports=2`);
    }
    writeFileSync(usageFile, `${lines.join("\n")}\n`);

    const run = await runImport(["usage", usageFile], database.url);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("stored 200000 usage rows");
    expect(run.stderr).toMatch(/checking: done, 200,000 rows in [\d.]+ s \([\d,]+ rows\/s\)/);
    const stored = /storing: done, 200,000 rows in [\d.]+ s \([\d,]+ rows\/s\); peak memory (\d+) MB/.exec(run.stderr);
    expect(stored).not.toBeNull();
    expect(Number(stored![1])).toBeLessThan(300);
    db ??= await openDatabase(database.url);
    expect(await db.client.usageDay.count({ where: { accountExternalId: { startsWith: "big-" } } })).toBe(200_000);
  });
});
