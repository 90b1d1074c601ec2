// The outbox dispatcher's tick asks for the oldest unsent row of each channel (pending, or sending with a
// lease that may have run out) by index seeks, channel by channel, instead of reading every unsent row's
// index entry. It must name the same rows as the plain `GROUP BY`, whatever the mix of statuses, on SQLite
// and, with TEST_DATABASE=postgres, on Postgres.
import { describe, expect, it } from "vitest";
import { queryRows } from "../src/platform/db/sql.ts";
import { channelHeads } from "../src/platform/outbox/dispatcher.ts";
import { useMigratedDatabase } from "./support/harness.ts";

const database = useMigratedDatabase();

const at = new Date("2026-12-01T06:00:00.000Z");

async function grouped(): Promise<{ channelId: string; id: number }[]> {
  const db = database();
  const rows = await queryRows<{ channelId: string; id: number | bigint }>(
    db,
    db.client,
    `SELECT "channelId", MIN("id") AS "id" FROM "OutboxMessage" WHERE "status" IN ('pending', 'sending') GROUP BY "channelId"`,
  );
  return rows.map((r) => ({ channelId: r.channelId, id: Number(r.id) })).sort((a, b) => a.channelId.localeCompare(b.channelId));
}

const sorted = (rows: { channelId: string; id: number }[]) => [...rows].sort((a, b) => a.channelId.localeCompare(b.channelId));

describe("the outbox's channel heads", () => {
  it("are none when nothing waits", async () => {
    const db = database();
    await db.client.outboxMessage.create({
      data: { method: "chat.postMessage", channelId: "C1", payload: "{}", status: "sent", availableAt: at, createdAt: at },
    });
    expect(await channelHeads(db)).toEqual([]);
  });

  it("name each channel's oldest pending or sending row, as a GROUP BY over every unsent row does", async () => {
    const db = database();
    // Channels whose oldest unsent row is sending, pending, or behind sent and failed rows; one channel
    // with only finished rows; ids interleaved across channels.
    const statuses = ["sent", "failed", "superseded", "pending", "sending", "pending"];
    const channels = ["C0AAA", "C0BBB", "D0CCC", "C0DDD", "G0EEE"];
    const data = [];
    for (let i = 0; i < 300; i++) {
      const channelId = channels[(i * 7) % channels.length];
      const status = channelId === "C0DDD" ? "sent" : statuses[(i * 5 + channelId.length) % statuses.length];
      data.push({ method: "chat.postMessage", channelId, payload: "{}", status, availableAt: at, createdAt: at });
    }
    await db.client.outboxMessage.createMany({ data });
    const expected = await grouped();
    expect(expected.map((h) => h.channelId)).toEqual(["C0AAA", "C0BBB", "D0CCC", "G0EEE"]);
    expect(sorted(await channelHeads(db))).toEqual(expected);

    // As rows are sent the heads move on, still the same as the GROUP BY's.
    for (const head of expected) await db.client.outboxMessage.update({ where: { id: head.id }, data: { status: "sent" } });
    await db.client.outboxMessage.updateMany({ where: { channelId: "G0EEE", status: "pending" }, data: { status: "failed" } });
    const after = await grouped();
    expect(after).not.toEqual(expected);
    expect(sorted(await channelHeads(db))).toEqual(after);
  });
});
