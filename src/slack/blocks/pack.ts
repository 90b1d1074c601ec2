// Long lists in a thread: texts packed into section blocks, and the sections into messages that stay within
// Block Kit's limits (blocks per message, characters per section) and the app's budget of block text per
// message (Slack refuses a message whose blocks carry too much text in all: msg_blocks_too_long).
import type { KnownBlock } from "@slack/types";
import { LIMITS, truncate } from "./limits.ts";

export interface PackOptions {
  /** Section blocks per message at most. */
  maxBlocks: number;
  /** Characters of text in all of a message's sections at most. */
  maxChars?: number;
  /** What joins two texts in one section: a blank line unless set. */
  joiner?: string;
}

/**
 * Packs texts (each cut to 3,000 characters) into section blocks, joining neighbours while they fit,
 * and the sections into messages of at most `maxBlocks` blocks and `maxChars` characters of text in all.
 */
export function packSections(texts: readonly string[], options: PackOptions): KnownBlock[][] {
  const { maxBlocks, maxChars = LIMITS.blockTextPerMessage, joiner = "\n\n" } = options;
  const sectionMax = Math.min(LIMITS.sectionText, maxChars);
  const sections: string[] = [];
  for (const text of texts) {
    const last = sections.length - 1;
    if (last >= 0 && sections[last].length + joiner.length + text.length <= sectionMax)
      sections[last] = `${sections[last]}${joiner}${text}`;
    else sections.push(truncate(text, sectionMax));
  }
  const pages: KnownBlock[][] = [];
  let page: KnownBlock[] = [];
  let chars = 0;
  for (const text of sections) {
    if (page.length > 0 && (page.length + 1 > maxBlocks || chars + text.length > maxChars)) {
      pages.push(page);
      page = [];
      chars = 0;
    }
    page.push({ type: "section", text: { type: "mrkdwn", text } });
    chars += text.length;
  }
  if (page.length) pages.push(page);
  return pages;
}
