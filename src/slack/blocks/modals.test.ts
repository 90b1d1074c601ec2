// Every modal carries only bounded IDs in its private_metadata (Slack refuses more than 3,000 characters,
// and then the modal never opens), however long the text it is about; and the guard refuses anything else.
import { describe, expect, it } from "vitest";
import type { View } from "@slack/types";
import type { AlertView } from "../../success/rules/alert.ts";
import type { Ticket } from "../../support/rules/ticket.ts";
import { alertNoteModal } from "./alert-note-modal.ts";
import { csatCommentModal } from "./csat.ts";
import { LIMITS, modalMetadata } from "./limits.ts";
import { replyModal } from "./reply-modal.ts";
import { readSendToProductRef, sendToProductModal } from "./send-to-product-modal.ts";
import { readShipModalState, themeShipModal } from "./theme-ship-modal.ts";

/** Text that JSON doubles, many times over the limit. */
const huge = (n = 20_000) => '"\\\n'.repeat(Math.ceil(n / 3)).slice(0, n);

function metadataOf(view: View): Record<string, unknown> {
  const raw = view.private_metadata ?? "";
  expect(raw.length).toBeLessThanOrEqual(200);
  expect(raw.length).toBeLessThanOrEqual(LIMITS.privateMetadata);
  expect(raw).not.toContain('\\"');
  return JSON.parse(raw) as Record<string, unknown>;
}

function withinBlockLimits(view: View) {
  for (const block of view.blocks) {
    const text = (block as { text?: { text?: string } }).text?.text;
    if (text !== undefined) expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
  }
  expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerView);
}

describe("modal private_metadata", () => {
  it("reply modal: the ticket id, whatever the customer wrote", () => {
    const ticket = {
      id: 42,
      channelId: "CACME",
      requesterId: "UCUST1",
      requesterCompany: "Acme",
      requesterName: huge(500),
      text: huge(),
    } as unknown as Ticket;
    const view = replyModal(ticket);
    expect(metadataOf(view)).toEqual({ ticketId: 42 });
    withinBlockLimits(view);
  });

  it("alert note modal: the alert id, whatever the account is called or the reason says", () => {
    const alert = {
      id: 7,
      account: { externalId: "acme", name: huge(500), arr: null, renewalDate: null, csmSlackUserId: null },
      detail: {
        rules: [
          { rule: "entered_red", reason: huge(), severity: 80 },
          { rule: "nps_detractor", reason: huge(), severity: 8 },
        ],
        reasons: [],
        missing: [],
        tickets: [],
        score: 20,
        band: "red",
        previousScore: null,
        computedAt: "2026-11-20T06:00:00.000Z",
      },
    } as unknown as AlertView;
    const view = alertNoteModal(alert);
    expect(metadataOf(view)).toEqual({ alertId: 7 });
    withinBlockLimits(view);
  });

  it("CSAT comment modal: the ticket id, whatever the earlier comment was", () => {
    const view = csatCommentModal(9, { score: 2, comment: huge() });
    expect(metadataOf(view)).toEqual({ ticketId: 9 });
    withinBlockLimits(view);
  });

  it("ship modal: the theme id and a digest of the reply shown, whatever the theme and the note", () => {
    const plan = { theme: { id: 3, name: huge(60) }, note: huge(1000), threads: 12, csms: 4, linkDomains: ["slack.com", huge(500)] };
    const view = themeShipModal(plan);
    const meta = metadataOf(view);
    expect(meta).toEqual({ themeId: 3, shown: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(readShipModalState(view.private_metadata)).toEqual(meta);
    withinBlockLimits(view);
    expect(metadataOf(themeShipModal({ ...plan, note: null }))).toEqual({ themeId: 3, shown: null });
  });

  it("Send to product modal: a reference to a 4,000-character message, not its text", () => {
    const source = {
      channelId: "CACME",
      messageTs: "1700000000.000100",
      threadTs: "1700000000.000100",
      text: huge(4000),
      authorId: "UCUST1",
      authorTeamId: "T0ACME",
    };
    const themes = Array.from({ length: 150 }, (_, i) => ({ id: i + 1, name: huge(60) }));
    const view = sendToProductModal(source, themes);
    expect(metadataOf(view)).toEqual({
      channel: "CACME",
      ts: "1700000000.000100",
      thread: "1700000000.000100",
      author: "UCUST1",
      team: "T0ACME",
    });
    const { text: _text, ...ref } = source;
    expect(readSendToProductRef(view.private_metadata)).toEqual(ref);
    expect(readSendToProductRef(JSON.stringify({ channel: "C1" }))).toBeNull();
    expect(readSendToProductRef("not json")).toBeNull();
    withinBlockLimits(view);
  });

  it("the guard refuses text, and anything that is not a bounded ID", () => {
    expect(modalMetadata({ ticketId: 1, channel: "C1", ts: "1.2", none: null })).toBe(
      '{"ticketId":1,"channel":"C1","ts":"1.2","none":null}',
    );
    expect(() => modalMetadata({ text: "hello world" })).toThrow(/text is not a bounded ID/);
    expect(() => modalMetadata({ id: "x".repeat(65) })).toThrow(/bounded ID/);
    expect(() => modalMetadata({ id: 1.5 })).toThrow(/bounded ID/);
    // Many bounded fields still may not add up past Slack's limit.
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, "x".repeat(64)]));
    expect(() => modalMetadata(many)).toThrow(/characters/);
  });
});
