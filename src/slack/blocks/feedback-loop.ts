// Closing the loop: the reply in a customer's thread when what they asked for ships, and the note to
// their CSM listing the accounts that asked.
import type { ThemeRef } from "../../feedback/rules/feedback.ts";
import { LIMITS, escapeSlackText, truncate } from "./limits.ts";

/**
 * The customer reads the product team's note in their own words; the theme's name is internal (how the
 * product team groups requests) and is never shown to customers.
 */
export function shippedReply(note: string): string {
  return truncate(
    `:tada: Good news about what you asked for here: ${escapeSlackText(note)}\nThank you for the feedback!`,
    LIMITS.sectionText,
  );
}

export function csmShippedNotice(theme: ThemeRef, accounts: { name: string; items: number }[], note: string): { text: string } {
  const lines = accounts.map((a) => `• ${escapeSlackText(a.name)} (${a.items} item${a.items === 1 ? "" : "s"})`);
  return {
    text: truncate(
      `:rocket: *${escapeSlackText(theme.name)}* has shipped: ${escapeSlackText(note)}\nYour accounts that asked for it:\n${lines.join("\n")}\nA good moment to tell them.`,
      LIMITS.sectionText,
    ),
  };
}
