// The streamed backtest (openHistory: one pass to check and index the files, then one account's rows at
// a time) gives the same report as the history read whole into memory, whatever the order of the rows
// in the files, their line breaks, quoting or the size of the slices read; and the same problems.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseHealthConfig } from "../../src/success/rules/health-config.ts";
import { rowsByAccount } from "./account-source.ts";
import { csvLine, parseCsv } from "./csv.ts";
import { eachCsvRecord } from "./csv-file.ts";
import { fitJson, runFit } from "./fit.ts";
import { generateHistory } from "./generate.ts";
import { FILES, openHistory, readHistory } from "./history.ts";
import { writeHistory } from "./history-writer.ts";
import { backtestJson, runBacktest } from "./run.ts";
import { tempDirs } from "../../test/support/temp-dirs.ts";

const tempDir = tempDirs("backtest-stream-");

const config = parseHealthConfig(null);
const generated = generateHistory({ accounts: 30, days: 180, seed: 11 });
const written = tempDir();
writeHistory(written, generated);

/** The problems a history's files have, as readHistory or openHistory reports them. */
const problemsOf = (read: () => unknown): string => {
  try {
    read();
  } catch (error) {
    return (error as Error).message;
  }
  return "";
};

describe("the streamed backtest", () => {
  it("prints the same report as the history held in memory", async () => {
    const whole = await runBacktest(readHistory(written), config, 90);
    const streamed = await runBacktest(openHistory(written), config, 90);
    expect(streamed.text).toBe(whole.text);
    expect(backtestJson(streamed, 90)).toEqual(backtestJson(whole, 90));
    expect(streamed.result.snapshots).toEqual(whole.result.snapshots);
    // And as the generated history itself, never written to files.
    expect((await runBacktest(generated, config, 90)).text).toBe(whole.text);
    expect(whole.model.recall.of).toBeGreaterThan(0);
  }, 60_000);

  it("gives each account its own rows, in file order, with rows of accounts interleaved, CRLF line breaks and quoted fields", async () => {
    const dir = tempDir();
    writeHistory(dir, generated);
    // Usage sorted by day (accounts interleaved), tickets in reverse, CRLF everywhere, a byte-order mark,
    // blank lines, and an NPS comment with a comma, quotes and a line break.
    const lines = (name: string) => readFileSync(join(dir, name), "utf8").trimEnd().split("\n");
    const [usageHeader, ...usage] = lines(FILES.usage.name);
    usage.sort((a, b) => a.split(",")[1].localeCompare(b.split(",")[1]));
    writeFileSync(join(dir, FILES.usage.name), "\ufeff" + [usageHeader, ...usage].join("\r\n") + "\r\n\r\n");
    const [ticketHeader, ...tickets] = lines(FILES.tickets.name);
    writeFileSync(join(dir, FILES.tickets.name), [ticketHeader, ...tickets.reverse()].join("\r\n"));
    const nps = readHistory(dir).nps;
    nps[0] = { ...nps[0], comment: 'Slow, "really" slow\nand buggy' };
    writeFileSync(
      join(dir, FILES.nps.name),
      csvLine(FILES.nps.columns) + nps.map((n) => csvLine([n.accountExternalId, n.respondedAt, n.score, n.comment])).join("\n"),
    );

    const whole = readHistory(dir);
    expect(whole.usage).toHaveLength(generated.usage.length);
    const streamed = [...openHistory(dir).eachAccount()];
    expect(streamed).toEqual(rowsByAccount(whole));
    expect(streamed.some((a) => a.nps.some((n) => n.comment === 'Slow, "really" slow\nand buggy'))).toBe(true);
    expect((await runBacktest(openHistory(dir), config, 90)).text).toBe((await runBacktest(generated, config, 90)).text);
  }, 60_000);

  it("fits the same weights and cut-offs", async () => {
    const history = generateHistory({ accounts: 60, days: 240, seed: 4 });
    const dir = tempDir();
    writeHistory(dir, history);
    const streamed = await runFit(openHistory(dir), config, 90);
    const whole = await runFit(history, config, 90);
    expect(streamed.text).toBe(whole.text);
    expect(fitJson(streamed)).toEqual(fitJson(whole));
  }, 60_000);

  it("reads again times that Date moves to another day (hour 24, 30 February) as the first reading did", () => {
    const dir = tempDir();
    writeHistory(dir, generated);
    const [header, ...rows] = readFileSync(join(dir, FILES.tickets.name), "utf8").trimEnd().split("\n");
    const at = header.split(",").indexOf("createdAt");
    const fields = rows.map((r) => r.split(","));
    // The first ticket at 24:00 of its own day; one created after 2 March at 00:00 on "30 February"
    // (2 March: no later than it was, so it is still resolved after it was created).
    fields[0][at] = `${fields[0][at].slice(0, 10)}T24:00:00.000Z`;
    const march = fields.findIndex((f, i) => i > 0 && f[at].slice(5, 10) >= "03-02");
    expect(march).toBeGreaterThan(0);
    fields[march][at] = `${fields[march][at].slice(0, 4)}-02-30T00:00:00.000Z`;
    writeFileSync(join(dir, FILES.tickets.name), [header, ...fields.map((f) => f.join(","))].join("\n") + "\n");
    const whole = readHistory(dir);
    expect(whole.tickets.some((t) => t.createdAt.endsWith("T00:00:00.000Z") && t.createdAt.slice(5, 10) !== "02-30")).toBe(true);
    expect(whole.tickets.some((t) => t.createdAt.slice(5, 10) === "02-30")).toBe(false);
    expect([...openHistory(dir).eachAccount()]).toEqual(rowsByAccount(whole));
  });

  it("reports the same problems as reading the files whole", () => {
    const dir = tempDir();
    writeHistory(dir, generateHistory({ accounts: 5, days: 100, seed: 2 }));
    const usagePath = join(dir, FILES.usage.name);
    const usage = readFileSync(usagePath, "utf8").split("\n");
    // A repeated day, an unknown account, a bad count and a bad event.
    const [account, date] = usage[1].split(",");
    usage.push(`${account},${date},3,,`, `nobody,${date},1,,`, `${account},2030-01-01,many,,`, `${account},2030-01-02,1,,upload:3`);
    writeFileSync(usagePath, usage.filter(Boolean).join("\n"));
    const message = problemsOf(() => openHistory(dir));
    expect(message).toContain(`already has a row for ${date}; keep one row per account and day`);
    expect(message).toContain('account "nobody" is not in accounts.csv');
    expect(message).toContain('field "activeUsers": "many" is not valid');
    expect(message).toContain('field "events": "upload:3" is not valid');
    expect(message).toBe(problemsOf(() => readHistory(dir)));

    // A syntax error anywhere in a file is its only problem, with its line.
    writeFileSync(usagePath, [...usage.filter(Boolean), `${account},2030-02-01,1,"a"b,`].join("\n"));
    const syntax = problemsOf(() => openHistory(dir));
    expect(syntax).toMatch(/usage\.csv line \d+: unexpected text after a closing quote/);
    expect(syntax).not.toContain("already has a row");
    expect(syntax).toBe(problemsOf(() => readHistory(dir)));
  });
});

describe("a CSV file read in slices", () => {
  const text = '\ufeffa,b\r\n1,"x\ny"\n\n2,"he said ""hi"""\r3,\r\n"4,4",z';

  it("gives the records of the whole file with the bytes each takes, whatever the slice size", () => {
    const path = join(tempDir(), "t.csv");
    writeFileSync(path, text);
    const bytes = readFileSync(path);
    for (const size of [1, 2, 3, 7, 1 << 16]) {
      const seen: { line: number; fields: string[]; bytes: string }[] = [];
      eachCsvRecord(path, (r, start, end) => seen.push({ ...r, bytes: bytes.subarray(start, end).toString("utf8") }), size);
      expect(seen.map(({ line, fields }) => ({ line, fields }))).toEqual(parseCsv(text));
      expect(seen.map((s) => s.bytes)).toEqual(["a,b\r\n", '1,"x\ny"\n', '2,"he said ""hi"""\r', "3,\r\n", '"4,4",z']);
    }
  });

  it("stops at a quoted field that is never closed, as the whole file would", () => {
    const path = join(tempDir(), "t.csv");
    writeFileSync(path, 'a,b\n1,2\n3,"open\n4,5\n');
    expect(() => eachCsvRecord(path, () => {}, 4)).toThrow(/line 3: a quoted field is never closed/);
  });
});
