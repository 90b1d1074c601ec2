// Suggesting themes for a text: the active themes' profiles (rules/similarity.ts) built from the store,
// kept for at most a minute or until themes change, and scored against the text.
import type { Clock } from "../../platform/clock.ts";
import type { Logger } from "../../platform/observability/log.ts";
import type { Actor } from "../../shared/actor.ts";
import type { Suggestion } from "../rules/feedback.ts";
import { SimilarityIndex, type SimilaritySettings } from "../rules/similarity.ts";
import type { ThemeStore } from "../store/themes.ts";
import type { FeedbackContext } from "./context.ts";

/** The themes a text resembles, best first (none when no theme comes close). */
export function suggestThemes(ctx: FeedbackContext, _actor: Actor, input: { text: string }): Promise<Suggestion[]> {
  return ctx.suggester.suggest(input.text);
}

/** Answers suggestions from a cached index of the active themes' profiles. */
export class ThemeSuggestions {
  private index: { built: number; value: Promise<SimilarityIndex> } | null = null;

  constructor(
    private readonly themes: Pick<ThemeStore, "profiles">,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly settings: SimilaritySettings,
  ) {}

  /** Themes changed: the next suggestion rebuilds the profiles. */
  invalidate(): void {
    this.index = null;
  }

  async suggest(text: string): Promise<Suggestion[]> {
    const index = await this.current();
    return index.score(text, this.settings.threshold, this.settings.maxSuggestions);
  }

  private current(): Promise<SimilarityIndex> {
    const now = this.clock.now().getTime();
    if (!this.index || now - this.index.built >= this.settings.maxAgeMs) {
      const entry = { built: now, value: this.build() };
      this.index = entry;
      // A failed build is not kept: the next suggestion tries again.
      entry.value.catch(() => {
        if (this.index === entry) this.index = null;
      });
    }
    return this.index.value;
  }

  private async build(): Promise<SimilarityIndex> {
    const started = Date.now();
    const { themes, items } = await this.themes.profiles(this.settings.itemsPerTheme);
    const index = new SimilarityIndex(themes);
    this.log.debug({ event: "feedback.similarity_built", themes: index.size, items, ms: Date.now() - started }, "theme profiles built");
    return index;
  }
}
