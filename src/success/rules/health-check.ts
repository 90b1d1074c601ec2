// What a health check concludes of one account from its measured facts: the health score with its
// components, and the churn-risk rules that fire. The facts are aggregated elsewhere (in SQL for the
// scheduled checks, src/success/store/health-inputs.ts); the backtest replays the same model.
import type { HealthConfig } from "./health-config.ts";
import { scoreHealth, type BookContext, type HealthInputs, type HealthResult } from "./health-model.ts";
import { evaluateRules, type RuleHit } from "./risk-rules.ts";

const DAY_MS = 86_400_000;

/** An account's facts as of the check: the model's inputs and what the rules also look at. */
export interface AccountFacts {
  inputs: HealthInputs;
  ticketsLast7: number;
  ticketBaselinePerWeek: number | null;
  /** The highest score in the score_drop window before this check (null without history). */
  recentHighScore: number | null;
  /** The current score before this check (null: never scored). */
  previousScore: number | null;
}

/** YYYY-MM-DD of an instant (UTC) and n days before it. */
export const dayOf = (at: Date, minusDays = 0) => new Date(at.getTime() - minusDays * DAY_MS).toISOString().slice(0, 10);

/**
 * The day an account's life here starts (YYYY-MM-DD), from which its onboarding is counted: the earliest of
 * the day it became a customer (the CRM's customerSince), its first usage day and the day it was first
 * stored here. Without customerSince, a long-standing customer whose usage starts flowing on the day the
 * app is installed would look new for its first onboardingDays.
 */
export function accountStart(firstUsageDay: string | null, account: { customerSince: string | null; createdAt: Date }): string {
  let start = dayOf(account.createdAt);
  if (firstUsageDay !== null && firstUsageDay < start) start = firstUsageDay;
  if (account.customerSince !== null && account.customerSince < start) start = account.customerSince;
  return start;
}

/**
 * The account's health and the rules that fire, as of the day `today` (YYYY-MM-DD). `book`: the book's
 * median trends on the same day (bookTrends over every account's inputs); null: not known. With `evidence`
 * false the health's evidence is left empty (the same scores, bands and rules; the rules' reasons may lack
 * the evidence they quote: word again the accounts whose rules fire).
 */
export function assessAccount(
  account: { renewalDate: string | null; seats: number | null },
  f: AccountFacts,
  today: string,
  config: HealthConfig,
  book: BookContext | null = null,
  { evidence = true }: { evidence?: boolean } = {},
): { health: HealthResult; hits: RuleHit[] } {
  const health = scoreHealth(f.inputs, config, book, { evidence });
  const hits = evaluateRules(
    {
      today,
      health,
      recentHighScore: f.recentHighScore,
      renewalDate: account.renewalDate,
      seats: account.seats,
      peakActiveLast30: f.inputs.usage.daysLast30 > 0 ? f.inputs.usage.peakActiveLast30 : null,
      ticketsLast7: f.ticketsLast7,
      ticketBaselinePerWeek: f.ticketBaselinePerWeek,
      nps: f.inputs.nps.latest,
    },
    config,
  );
  return { health, hits };
}
