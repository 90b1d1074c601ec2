// The headline figures of the last N days against the N days before: for the App Home and the weekly
// summary (and /support stats).
import type { Database } from "../../platform/db/client.ts";
import { comparePeriods, previousPeriod, supportMetrics, type HeadlineFigure } from "../store/metrics.ts";

export async function periodHeadlines(db: Database, days: number, now: Date): Promise<{ from: Date; to: Date; figures: HeadlineFigure[] }> {
  const to = now;
  const from = new Date(now.getTime() - days * 86_400_000);
  const before = previousPeriod(from, to);
  const [current, previous] = await Promise.all([supportMetrics(db, { from, to }), supportMetrics(db, before)]);
  return { from, to, figures: comparePeriods(current.overall, previous.overall) };
}
