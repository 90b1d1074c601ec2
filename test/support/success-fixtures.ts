// Customer-success fixtures written straight to the database: accounts and their daily usage, NPS and
// tickets, shaped so the health model's outcome is known.
import type { Database } from "../../src/platform/db/client.ts";
import { apiActor } from "../../src/shared/actor.ts";
import { getAccount } from "../../src/success/use-cases/get-account.ts";
import type { SuccessContext } from "../../src/success/use-cases/context.ts";

const DAY_MS = 86_400_000;
export const dayBefore = (at: Date, days: number) => new Date(at.getTime() - days * DAY_MS).toISOString().slice(0, 10);

export interface AccountFixture {
  externalId: string;
  name: string;
  seats?: number | null;
  arr?: number | null;
  renewalDate?: string | null;
  csmSlackUserId?: string | null;
  alertChannel?: string | null;
  tier?: string | null;
  /** When the account was first stored; default: a year before `at` (an established customer, past onboarding). */
  createdAt?: Date;
}

export async function addAccount(db: Database, a: AccountFixture, at: Date): Promise<void> {
  await db.client.account.create({
    data: {
      externalId: a.externalId,
      name: a.name,
      seats: a.seats ?? null,
      arr: a.arr ?? null,
      renewalDate: a.renewalDate ?? null,
      csmSlackUserId: a.csmSlackUserId ?? null,
      alertChannel: a.alertChannel ?? null,
      tier: a.tier ?? null,
      createdAt: a.createdAt ?? new Date(at.getTime() - 365 * DAY_MS),
      updatedAt: at,
    },
  });
}

/**
 * 60 days of usage ending on `at`'s day: `before` active users a day in the older 30 days and
 * `after` in the last 30, with `features` used every day and `keyEvents` uploads a day scaled the same way.
 */
export async function addUsage(
  db: Database,
  accountExternalId: string,
  at: Date,
  o: { before: number; after: number; features?: string[]; uploadsBefore?: number; uploadsAfter?: number },
): Promise<void> {
  const rows = [];
  for (let d = 0; d < 60; d++) {
    const recent = d < 30;
    const active = recent ? o.after : o.before;
    const uploads = recent ? (o.uploadsAfter ?? o.after) : (o.uploadsBefore ?? o.before);
    rows.push({
      accountExternalId,
      date: dayBefore(at, d),
      activeUsers: active,
      featuresUsed: JSON.stringify(o.features ?? []),
      events: JSON.stringify({ uploads }),
      keyEvents: uploads,
      receivedAt: at,
    });
  }
  await db.client.usageDay.createMany({ data: rows });
  for (const feature of o.features ?? []) {
    await db.client.accountFeature.create({
      data: { accountExternalId, feature, firstSeen: dayBefore(at, 59), lastSeen: dayBefore(at, 0) },
    });
  }
}

/** Replaces the last `days` days of an account's usage with `active` users and as many uploads a day. */
export async function setRecentUsage(db: Database, accountExternalId: string, at: Date, active: number, days = 30): Promise<void> {
  for (let d = 0; d < days; d++) {
    await db.client.usageDay.update({
      where: { accountExternalId_date: { accountExternalId, date: dayBefore(at, d) } },
      data: { activeUsers: active, keyEvents: active, events: JSON.stringify({ uploads: active }) },
    });
  }
}

/** Gives accounts a current score from an earlier check (as after a first check of the book): they count as scored before. */
export async function addEarlierScores(db: Database, accountIds: string[], at: Date, score = 75, band = "green"): Promise<void> {
  await db.client.accountHealthCurrent.createMany({
    data: accountIds.map((accountExternalId) => ({
      accountExternalId,
      runId: 0,
      computedAt: new Date(at.getTime() - DAY_MS),
      score,
      band,
      components: "[]",
    })),
  });
}

/**
 * An account's current score as the API and /cs account show it (getAccount, as an API client): its band,
 * score and components, each with its evidence worded from the check's figures.
 */
export async function shownHealth(success: SuccessContext, externalId: string) {
  const account = await getAccount(success, apiActor, { externalId });
  if (!account.health) throw new Error(`${externalId} has no score`);
  return { band: account.health.band, score: account.health.score, components: account.health.components };
}
