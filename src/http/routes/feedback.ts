// The voice-of-customer API (bearer INGEST_API_TOKEN):
//   GET /api/v1/themes?from=&to=&limit=&format=json|csv
//       themes with feedback in the period, ranked by the ARR of the distinct accounts asking, with
//       the previous period's figures and the period's totals (untagged items included).
//   GET /api/v1/feedback?theme=&from=&to=&limit=&cursor=&format=json|csv
//       active items of the period, newest first, optionally of one theme (its id or name; a merged
//       theme's items are under the theme it joined), a page at a time: `limit` 1-1000 (default 100),
//       `nextCursor` (null on the last page) is the `cursor` of the next page (CSV: the header
//       x-next-cursor).
// from / to as for /api/v1/metrics/support: ISO dates or date-times, a date-only `to` includes that
// day, default the last 30 days, at most 366 days. Bad parameters get 400 naming the parameter; an
// unknown theme 404.
import { apiActor } from "../../shared/actor.ts";
import type { RankedTheme } from "../../feedback/rules/digest.ts";
import { DEFAULT_FEEDBACK_PAGE, MAX_FEEDBACK_PAGE, type FeedbackCursor, type FeedbackListItem } from "../../feedback/rules/listing.ts";
import type { FeedbackContext } from "../../feedback/use-cases/context.ts";
import { readThemeRanking } from "../../feedback/use-cases/read-digest.ts";
import { listFeedback } from "../../feedback/use-cases/list-feedback.ts";
import { requireApiToken } from "../api-auth.ts";
import { toCsv, type Cell } from "../csv.ts";
import { invalidParameter } from "../errors.ts";
import { format, limit, period, single } from "../query.ts";
import { send, type Route } from "../router.ts";

export const MAX_THEMES = 1000;

export interface FeedbackRouteDeps {
  feedback: Pick<FeedbackContext, "digests" | "themes" | "access">;
  token: string | undefined;
  now: () => Date;
}

const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_(\d{1,12})$/;

export const encodeCursor = (c: FeedbackCursor) => `${c.createdAt.toISOString()}_${c.id}`;

function cursor(params: URLSearchParams): FeedbackCursor | null {
  const text = single(params, "cursor");
  if (text === null) return null;
  const m = CURSOR.exec(text);
  const at = m ? new Date(m[1]) : null;
  if (!m || !at || Number.isNaN(at.getTime())) {
    throw invalidParameter(
      "cursor",
      `cursor must be the nextCursor of the previous page (like 2026-11-20T06:00:00.000Z_123), not ${JSON.stringify(text.slice(0, 60))}`,
    );
  }
  return { createdAt: at, id: Number(m[2]) };
}

// ------------------------------------------------------------------ CSV

export const THEME_CSV: [string, (t: RankedTheme) => Cell][] = [
  ["rank", (t) => t.rank],
  ["theme_id", (t) => t.themeId],
  ["name", (t) => t.name],
  ["status", (t) => t.status],
  ["new", (t) => t.isNew],
  ["items", (t) => t.items],
  ["total_items", (t) => t.totalItems],
  ["accounts", (t) => t.accounts],
  ["arr", (t) => t.arr],
  ["at_risk_arr", (t) => t.atRiskArr],
  ["at_risk_accounts", (t) => t.atRiskAccounts],
  ["previous_items", (t) => t.previous.items],
  ["previous_accounts", (t) => t.previous.accounts],
  ["previous_arr", (t) => t.previous.arr],
  ["previous_at_risk_arr", (t) => t.previous.atRiskArr],
];

export const FEEDBACK_CSV: [string, (i: FeedbackListItem) => Cell][] = [
  ["id", (i) => i.id],
  ["created_at", (i) => i.createdAt.toISOString()],
  ["account_external_id", (i) => i.account?.externalId ?? null],
  ["account_name", (i) => i.account?.name ?? null],
  ["account_arr", (i) => i.account?.arr ?? null],
  ["account_band", (i) => i.account?.band ?? null],
  ["themes", (i) => i.themes.map((t) => t.name).join(";")],
  ["kind", (i) => i.kind],
  ["importance", (i) => i.importance],
  ["internal", (i) => i.internal],
  ["text", (i) => i.text],
  ["permalink", (i) => i.permalink],
  ["channel_id", (i) => i.channelId],
  ["author_id", (i) => i.authorId],
];

const day = (d: Date) => d.toISOString().slice(0, 10);

// ------------------------------------------------------------------ routes

function themesRoute(deps: FeedbackRouteDeps): Route["handle"] {
  return async (req, res) => {
    const q = { ...period(req.query, deps.now()), limit: limit(req.query, null, MAX_THEMES), format: format(req.query) };
    const {
      ranking,
      totals,
      previous: before,
    } = await readThemeRanking(deps.feedback, apiActor, {
      from: q.from,
      to: q.to,
      limit: q.limit ?? undefined,
    });
    if (q.format === "csv") {
      res.setHeader("content-disposition", `attachment; filename="themes_${day(q.from)}_${day(q.to)}.csv"`);
      return send(res, 200, toCsv(THEME_CSV, ranking.themes, { decimals: 2 }), "text/csv; charset=utf-8");
    }
    send(res, 200, {
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      previous: { from: before.from.toISOString(), to: before.to.toISOString() },
      totals,
      themesWithFeedback: ranking.themesWithFeedback,
      themes: ranking.themes.map(({ themeId, createdAt, isNew, ...t }) => ({
        ...t,
        id: themeId,
        createdAt: createdAt.toISOString(),
        new: isNew,
      })),
    });
  };
}

function feedbackRoute(deps: FeedbackRouteDeps): Route["handle"] {
  return async (req, res) => {
    const themeRef = single(req.query, "theme");
    const q = {
      ...period(req.query, deps.now()),
      limit: limit(req.query, DEFAULT_FEEDBACK_PAGE, MAX_FEEDBACK_PAGE),
      cursor: cursor(req.query),
      format: format(req.query),
    };
    // An unknown theme is a DomainError answered 404 unknown_theme (errors.ts).
    const { theme, page } = await listFeedback(deps.feedback, apiActor, { ...q, theme: themeRef });
    const nextCursor = page.next ? encodeCursor(page.next) : null;
    if (q.format === "csv") {
      if (nextCursor) res.setHeader("x-next-cursor", nextCursor);
      res.setHeader(
        "content-disposition",
        `attachment; filename="feedback_${theme ? `theme-${theme.id}_` : ""}${day(q.from)}_${day(q.to)}.csv"`,
      );
      return send(res, 200, toCsv(FEEDBACK_CSV, page.items, { decimals: 2 }), "text/csv; charset=utf-8");
    }
    send(res, 200, {
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      theme,
      items: page.items.map((i) => ({ ...i, createdAt: i.createdAt.toISOString() })),
      nextCursor,
    });
  };
}

export function feedbackRoutes(deps: FeedbackRouteDeps): Route[] {
  const guard = requireApiToken(deps.token);
  return [
    { method: "GET", path: "/api/v1/themes", guard, handle: themesRoute(deps) },
    { method: "GET", path: "/api/v1/feedback", guard, handle: feedbackRoute(deps) },
  ];
}
