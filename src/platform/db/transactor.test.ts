import { describe, expect, it } from "vitest";
import type { Database } from "./client.ts";
import { DatabaseBusy, prismaTransactor, transientConflictCode } from "./transactor.ts";

/** The error the Postgres driver adapter throws for a deadlock (as seen from Prisma 6.19 with adapter-pg). */
const deadlock = () =>
  Object.assign(new Error("deadlock detected"), {
    name: "DriverAdapterError",
    cause: { originalCode: "40P01", originalMessage: "deadlock detected", kind: "postgres", code: "40P01" },
  });

/** A database whose transactions fail with the given errors first, then run the work. */
function flakyDatabase(failures: unknown[]) {
  let runs = 0;
  const db = {
    provider: "postgres",
    client: {
      async $transaction(work: (tx: unknown) => Promise<unknown>) {
        runs += 1;
        const failure = failures.shift();
        if (failure) throw failure;
        return work({});
      },
    },
  } as unknown as Database;
  return { db, runs: () => runs };
}

const noSleep = { sleep: async () => {} };

describe("the transactor", () => {
  it("runs a transaction again when the database aborted it as a deadlock or serialisation failure", async () => {
    const { db, runs } = flakyDatabase([deadlock(), { code: "P2034" }]);
    let committed = 0;
    const retried: string[] = [];
    const tx = prismaTransactor(db, () => (committed += 1), { ...noSleep, onRetry: (r) => retried.push(r.code) });
    expect(await tx.transaction(async () => "stored")).toBe("stored");
    expect(runs()).toBe(3);
    expect(committed).toBe(1);
    expect(retried).toEqual(["40P01", "40001"]);
  });

  it("gives up after its retries with DatabaseBusy, and never retries other errors", async () => {
    const busy = flakyDatabase([deadlock(), deadlock(), deadlock()]);
    const error = await prismaTransactor(busy.db, undefined, { ...noSleep, retries: 2 })
      .transaction(async () => "never")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseBusy);
    expect(error).toMatchObject({ attempts: 3, code: "40P01" });
    expect(busy.runs()).toBe(3);

    const broken = flakyDatabase([new Error("relation does not exist")]);
    await expect(prismaTransactor(broken.db, undefined, noSleep).transaction(async () => 1)).rejects.toThrow("relation does not exist");
    expect(broken.runs()).toBe(1);
  });

  it("pauses a random, growing time between tries", async () => {
    const delays: number[] = [];
    const { db } = flakyDatabase([deadlock(), deadlock(), deadlock(), deadlock()]);
    await prismaTransactor(db, undefined, { backoffBaseMs: 100, sleep: async (ms) => void delays.push(ms) }).transaction(async () => 1);
    expect(delays).toHaveLength(4);
    delays.forEach((d, i) => expect(d).toBeLessThanOrEqual(100 * 2 ** i));
  });

  it("recognises the conflict codes where the driver puts them", () => {
    expect(transientConflictCode(deadlock())).toBe("40P01");
    expect(transientConflictCode({ code: "P2034" })).toBe("40001");
    expect(transientConflictCode({ meta: { driverAdapterError: { cause: { originalCode: "40001" } } } })).toBe("40001");
    expect(transientConflictCode({ cause: { kind: "TransactionWriteConflict" } })).toBe("40001");
    expect(transientConflictCode(new Error("unique violation"))).toBeNull();
    expect(transientConflictCode({ code: "P2002" })).toBeNull();
  });
});
