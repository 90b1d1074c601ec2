// The voice-of-the-customer stores on one database, as the feedback context's use cases receive them.
import type { Database } from "../../platform/db/client.ts";
import { prismaDigests, type DigestStore } from "./digest.ts";
import { prismaFeedbackItems, type FeedbackItemStore } from "./feedback-items.ts";
import { prismaThemes, type ThemeStore } from "./themes.ts";

export interface FeedbackStores {
  items: FeedbackItemStore;
  themes: ThemeStore;
  digests: DigestStore;
}

export function prismaFeedbackStores(db: Database): FeedbackStores {
  return { items: prismaFeedbackItems(db), themes: prismaThemes(db), digests: prismaDigests(db) };
}
