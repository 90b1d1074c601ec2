import { describe, expect, it } from "vitest";
import { isPleasantry } from "./pleasantries.ts";
import { judgeTopLevelMessage } from "./intake.ts";

// "Thank you" messages as customers write them in Slack, emoji as Slack puts them in `text`: none opens a ticket.
const THANKS = [
  "thanks :+1:",
  "Thank you! :pray:",
  "thanks :+1::skin-tone-3:",
  ":pray::skin-tone-2: thank you so much",
  "Thanks a lot :slightly_smiling_face:",
  "thx :raised_hands:",
  "Many thanks :heart:",
  "Perfect, thanks! :tada:",
  "ok thanks :ok_hand:",
  "Got it, thank you :white_check_mark:",
  "Thanks for the quick reply :smile:",
  "That worked, thanks! :raised_hands::skin-tone-4:",
  "Much appreciated :bow:",
  "thanks <@U01AGENT> :pray:",
  "Awesome, thanks a ton :rocket:",
  "ty :heart: :heart:",
  "Thanks again team :slightly_smiling_face:",
  "great, thank you very much :+1: :+1:",
  "Cheers :beers:",
  "thank you for your help :hugging_face:",
  "Thanks Sarah! :thankyou:",
  "all good now, thanks :white_check_mark:",
  "Appreciate it :clap::skin-tone-5:",
  "tysm :sparkles:",
  ":thumbsup: thanks!",
  "Thank you so much for looking into this :pray::skin-tone-3: have a great weekend!",
  "*Thanks!* :100:",
  "thanks :) :+1:",
  "Thank you 🙏🏽",
  "hi team :wave:",
  ":+1::skin-tone-6:",
  "It works now, thank you! :partying_face:",
  "thanks, you're the best :star-struck:",
  "Thanks &amp; have a nice day :sunny:",
  "sounds good :ok_hand::skin-tone-2: thx",
];

// Short requests as customers write them: every one opens a ticket.
const REQUESTS = [
  "thanks, but it still fails",
  "help?",
  "is SSO down?",
  "can't log in :cry:",
  "thanks :+1: one more thing: how do I export to CSV?",
  "hi, the dashboard is blank",
  "ok so the API returns 500",
  "hello? anyone?",
  ":warning: invoices are wrong",
  "urgent",
  "help",
  "still broken :disappointed:",
  "SSO login loops :sob:",
  "hi :wave: can someone reset my 2FA?",
  "thanks :x: it failed again",
  "perfect, but the webhook never fires",
  "got it, what about the EU region?",
  "thank you, when will it be fixed?",
  "any update?",
  "still seeing 502s",
  "ok :-1: still failing",
  "thanks <https://status.example.com|status page> shows red",
  "hi please call me",
  "Exports time out :hourglass_flowing_sand:",
  "thanks, one more request: add Bob to our account",
  "<@U01AGENT>",
];

describe("pleasantries as Slack writes them", () => {
  it("has at least 20 of each kind", () => {
    expect(THANKS.length).toBeGreaterThanOrEqual(20);
    expect(REQUESTS.length).toBeGreaterThanOrEqual(20);
  });
  it.each(THANKS)("%j opens no ticket", (text) => expect(isPleasantry(text)).toBe(true));
  it.each(REQUESTS)("%j opens a ticket", (text) => expect(isPleasantry(text)).toBe(false));

  it("a message with a file is a request, however few its words", () => {
    const message = { supportChannel: true, role: "customer" as const, at: new Date("2026-11-30T10:00:00Z") };
    const policy = { ignorePleasantries: true, mergeWindowMs: 0 };
    expect(judgeTopLevelMessage({ ...message, text: "", files: 1 }, policy).action).toBe("request");
    expect(judgeTopLevelMessage({ ...message, text: "thanks :+1:", files: 2 }, policy).action).toBe("request");
    expect(judgeTopLevelMessage({ ...message, text: "", files: 0 }, policy)).toEqual({ action: "ignore", reason: "pleasantry" });
  });

  it("a long message is never a bare pleasantry", () => {
    expect(isPleasantry("thanks ".repeat(2000))).toBe(false);
  });
});
