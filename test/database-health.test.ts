// Health that tells the truth about the database, through the real app: /readyz and /healthz when the
// database answers reads but refuses writes (a read-only file, a read-only Postgres), and on SQLite when
// its file is deleted or replaced under the running app; and Slack's events are never acknowledged 200
// while they cannot be stored (Slack sends them again once the database is back).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, renameSync, rmSync } from "node:fs";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { CUSTOMER, HOME_TEAM, SUPPORT, TRIAGE, nextEventId, startDesk, usePostgres, type Desk } from "./support/harness.ts";

let desk: Desk | undefined;
let undo: (() => Promise<void>) | undefined;
let keptFile: string | undefined;
afterEach(async () => {
  await undo?.();
  undo = undefined;
  await desk?.stop();
  desk = undefined;
  for (const suffix of ["", "-wal", "-shm"]) if (keptFile) rmSync(`${keptFile}${suffix}`, { force: true });
  keptFile = undefined;
});

/** The write probe writes at most this often here (the app's default is 5 s). */
const PROBE_EVERY_MS = 50;

const getJson = async (d: Desk, path: string) => {
  const res = await fetch(`${d.baseUrl}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

/** Polls `path` until `until` holds for its answer (a changed database shows within the probe's interval). */
async function answerOf(d: Desk, path: string, until: (a: { status: number; body: Record<string, any> }) => boolean) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const answer = await getJson(d, path);
    if (until(answer) || Date.now() > deadline) return answer;
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sqliteFile = (d: Desk) => d.databaseUrl.replace(/^file:/, "");

/** A customer's message in the support channel as a Slack event (the same envelope may be sent again). */
function customerEvent(d: Desk, text: string) {
  const msg = d.slack.seed(SUPPORT, { user: CUSTOMER, text });
  const event = { type: "message", channel: SUPPORT, user: CUSTOMER, text, ts: msg.ts, team: HOME_TEAM, event_ts: msg.ts };
  const eventId = nextEventId();
  return (retryNum = 0) => d.event(event, { eventId, retryNum });
}

/**
 * Makes the app's database refuse writes while it still answers reads; returns how to undo it.
 * SQLite: the file and its journal made immutable (`chattr +i`, what a read-only mount does: even the
 * connection already open for writing is refused); where chattr cannot be used, the connection is put
 * in SQLite's query-only mode, which refuses writes with the same error a read-only file gives.
 * Postgres: the database made read-only for new sessions, and the app's sessions ended (its pool opens
 * new ones), as after a fail-over to a read-only replica.
 */
async function refuseWrites(d: Desk): Promise<() => Promise<void>> {
  if (usePostgres()) {
    const url = new URL(d.databaseUrl);
    const name = url.pathname.slice(1);
    url.pathname = "/postgres";
    const admin = async (sql: string) => {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    const endSessions = `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`;
    await admin(`ALTER DATABASE ${name} SET default_transaction_read_only = on`);
    await admin(endSessions);
    return async () => {
      await admin(`ALTER DATABASE ${name} RESET default_transaction_read_only`);
      await admin(endSessions);
    };
  }
  const files = ["", "-wal", "-shm"].map((suffix) => `${sqliteFile(d)}${suffix}`).filter((f) => existsSync(f));
  try {
    execFileSync("chattr", ["+i", ...files], { stdio: "pipe" });
    return async () => void execFileSync("chattr", ["-i", ...files], { stdio: "pipe" });
  } catch {
    await d.app.db.client.$executeRawUnsafe("PRAGMA query_only = ON");
    return async () => void (await d.app.db.client.$executeRawUnsafe("PRAGMA query_only = OFF"));
  }
}

describe("a database that answers reads but refuses writes", () => {
  it("makes /readyz answer 503 saying so, /healthz report it, and events answered 503 until it takes writes again", async () => {
    desk = await startDesk({ start: { writeProbeEveryMs: PROBE_EVERY_MS } });
    expect(await getJson(desk, "/readyz")).toMatchObject({
      status: 200,
      body: { status: "ready", database: { reachable: true, migrated: true, writable: true, file: usePostgres() ? null : "same" } },
    });
    const probe = await desk.app.db.client.readinessProbe.findUniqueOrThrow({ where: { id: 1 } });
    expect(Date.now() - probe.checkedAt.getTime()).toBeLessThan(60_000);

    undo = await refuseWrites(desk);
    const ready = await answerOf(desk, "/readyz", (a) => a.body.database?.writable === false);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: "not_ready", database: { reachable: true, migrated: true, writable: false } });
    expect(ready.body.problems).toEqual([expect.stringContaining("does not accept writes")]);
    const live = await getJson(desk, "/healthz");
    expect(live.status).toBe(200); // liveness: the process answers
    expect(live.body).toMatchObject({ status: "unavailable", database: { reachable: true, writable: false } });
    expect(live.body.database.problems).toEqual([expect.stringContaining("does not accept writes")]);

    // Slack's event is not acknowledged: it is answered 503, so Slack sends it again.
    const send = customerEvent(desk, "The invoice export is empty");
    const refused = await send();
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: "event_not_stored" });
    expect(desk.logs.some((l) => l.level === "error" && l.msg === "could not store an event; answered 503 so Slack retries")).toBe(true);

    // The database takes writes again: ready again, and Slack's retry becomes the one ticket.
    await undo();
    undo = undefined;
    const back = await answerOf(desk, "/readyz", (a) => a.status === 200);
    expect(back).toMatchObject({ status: 200, body: { status: "ready", database: { writable: true } } });
    const retried = await answerOf(desk, "/healthz", (a) => a.body.status === "ok");
    expect(retried.body.database).toMatchObject({ writable: true, problems: [] });
    expect((await send(1)).status).toBe(200);
    await desk.settle();
    expect(await desk.app.db.client.ticket.count()).toBe(1);
    expect(desk.slack.messages(TRIAGE)).toHaveLength(1);
  });

  it("writes its probe at most once per interval, however often it is asked", async () => {
    desk = await startDesk({ start: { writeProbeEveryMs: 60_000 } });
    expect((await getJson(desk, "/readyz")).status).toBe(200);
    const first = await desk.app.db.client.readinessProbe.findUniqueOrThrow({ where: { id: 1 } });
    for (let i = 0; i < 5; i++) {
      expect((await getJson(desk, "/readyz")).status).toBe(200);
      expect((await getJson(desk, "/healthz")).status).toBe(200);
    }
    const after = await desk.app.db.client.readinessProbe.findUniqueOrThrow({ where: { id: 1 } });
    expect(after.checkedAt).toEqual(first.checkedAt);
    expect(await desk.app.db.client.readinessProbe.count()).toBe(1);
  });
});

describe.runIf(!usePostgres())("a SQLite file deleted or replaced under the running app", () => {
  it("deleted: /readyz answers 503 naming the file, /healthz says so, and events are answered 503, not stored in the lost file", async () => {
    desk = await startDesk({ start: { writeProbeEveryMs: PROBE_EVERY_MS } });
    expect((await getJson(desk, "/readyz")).status).toBe(200);
    const file = sqliteFile(desk);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });

    const ready = await getJson(desk, "/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: "not_ready", database: { file: "deleted" } });
    expect(ready.body.problems).toEqual([expect.stringContaining(`the database file ${file} was deleted`)]);
    const live = await getJson(desk, "/healthz");
    expect(live).toMatchObject({ status: 200, body: { status: "unavailable", database: { file: "deleted" } } });

    const { response } = await desk.customerSays("Our SSO login loops");
    expect(response.status).toBe(503);
    expect(await desk.app.db.client.inboxEvent.count()).toBe(0);
    expect(desk.slack.messages(TRIAGE)).toHaveLength(0);
  });

  it("replaced: /readyz answers 503 until the app is restarted on the new file", async () => {
    desk = await startDesk({ start: { writeProbeEveryMs: PROBE_EVERY_MS } });
    const file = sqliteFile(desk);
    // An operator restores a copy by moving it into place (a new file at the same path).
    await desk.app.db.client.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
    copyFileSync(file, `${file}.restore`);
    renameSync(`${file}.restore`, file);

    const ready = await getJson(desk, "/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ database: { file: "replaced" } });
    expect(ready.body.problems).toEqual([expect.stringContaining("was replaced by another file")]);
    expect((await desk.customerSays("Hello?")).response.status).toBe(503);

    const url = desk.databaseUrl;
    keptFile = file;
    await desk.stop({ keepDatabase: true });
    desk = await startDesk({ databaseUrl: url, start: { writeProbeEveryMs: PROBE_EVERY_MS } });
    expect(await getJson(desk, "/readyz")).toMatchObject({ status: 200, body: { database: { file: "same", writable: true } } });
  });
});
