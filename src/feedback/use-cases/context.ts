// What the voice-of-the-customer use cases need: the transaction runner, the context's stores, the
// notifier ports the Slack adapter implements, theme suggestions, the clock, the logger and settings.
import type { Access } from "../../shared/access.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Transactor } from "../../platform/db/transactor.ts";
import type { Logger } from "../../platform/observability/log.ts";
import { DomainError } from "../../shared/errors.ts";
import type { Actor } from "../../shared/actor.ts";
import type { DigestPublisher, FeedbackNotifier, LoopNotifier } from "../ports.ts";
import type { Suggestion } from "../rules/feedback.ts";
import { MAX_CARD_REFRESH } from "../rules/themes.ts";
import { DEFAULT_SIMILARITY, type SimilaritySettings } from "../rules/similarity.ts";
import type { FeedbackStores } from "../store/index.ts";
import { ThemeSuggestions } from "./suggest-themes.ts";

export interface FeedbackSettings {
  /** How long after tagging a reaction taken back withdraws the tag (FEEDBACK_WITHDRAW_GRACE). */
  withdrawGraceMs: number;
  /** At most this many cards are updated after a theme is renamed or merged (the most recent items). */
  maxCardRefresh: number;
  similarity: SimilaritySettings;
  /** The domains a ship note may link to besides Slack's own (SHIP_LINK_DOMAINS). */
  shipLinkDomains: readonly string[];
}

/** Suggests themes for a text; told when themes change so it rebuilds what it caches. */
export interface ThemeSuggester {
  suggest(text: string): Promise<Suggestion[]>;
  invalidate(): void;
}

export interface FeedbackContext extends FeedbackStores {
  /** Who may do what: every use case a person starts checks it first. */
  access: Access;
  tx: Transactor;
  /** Cards in the product channel, and closing the loop. */
  notifier: FeedbackNotifier & LoopNotifier;
  /** Where the digest is posted. */
  digest: DigestPublisher;
  suggester: ThemeSuggester;
  clock: Clock;
  log: Logger;
  settings: FeedbackSettings;
}

/** A feedback context with the default settings and theme suggestions filled in. */
export function feedbackContext(
  parts: Omit<FeedbackContext, "settings" | "suggester"> & { settings?: Partial<FeedbackSettings>; suggester?: ThemeSuggester },
): FeedbackContext {
  const settings: FeedbackSettings = {
    withdrawGraceMs: 10 * 60_000,
    maxCardRefresh: MAX_CARD_REFRESH,
    similarity: DEFAULT_SIMILARITY,
    shipLinkDomains: [],
    ...parts.settings,
  };
  return {
    ...parts,
    settings,
    suggester: parts.suggester ?? new ThemeSuggestions(parts.themes, parts.clock, parts.log, settings.similarity),
  };
}

/** The person acting: feedback is tagged, themed and shipped by someone in Slack. */
export function personOf(actor: Actor): string {
  if (actor.kind !== "user") throw new DomainError("feedback.person_required", { actor: actor.kind });
  return actor.userId;
}
