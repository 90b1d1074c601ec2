// Turns the desk's ticket changes into Slack posts, written to the outbox inside the caller's transaction:
// the acknowledgement in the customer's thread, the triage card and its thread, the satisfaction survey.
// Which outbox row is a ticket's acknowledgement, card or survey is this adapter's own record (messageRefs).
import type { Tx } from "../../platform/db/client.ts";
import type { SqlDb } from "../../platform/db/sql.ts";
import type { Outbox, OutboxPost } from "../../platform/outbox/outbox.ts";
import type { Ticket, TicketChange } from "../../support/rules/ticket.ts";
import type { SlaAlert, SlaStatus } from "../../support/rules/sla.ts";
import { slaRecipients, type AgentsToAlert } from "../../support/rules/sla-recipients.ts";
import type { ChangedMessage, MessageNote, SourceChange, ThreadMessage, TicketNotifier } from "../../support/ports.ts";
import { cardSla, ticketCard, type CardSla } from "../blocks/ticket-card.ts";
import { readAccountCard } from "../../success/use-cases/read-account-card.ts";
import type { SuccessContext } from "../../success/use-cases/context.ts";
import { readTicketFiles } from "../../support/use-cases/read-ticket-files.ts";
import type { SupportStores } from "../../support/use-cases/context.ts";
import type { AttachedFile } from "../../support/rules/files.ts";
import {
  acknowledgement,
  changeLogLine,
  commandTicketPost,
  customerReply,
  resolvedNote,
  mirroredMessage,
  replyLogLine,
  slaAlertLine,
  sourceChangeLine,
  threadContextPosts,
} from "../blocks/ticket-messages.ts";
import { csatLowScoreLine, csatSurvey } from "../blocks/csat.ts";
import { messageRefs, type MessageRefs } from "../store/message-refs.ts";

type TicketPost = "ack" | "card";

/** What a card was last rendered with that can go out of date (SlackMessageRef.shown, as JSON). */
interface CardShown {
  sla: CardSla;
  /** It carries the internal-thread hint (the triage channel's first card of its day). */
  hint?: boolean;
  /** It has no link to the conversation (a /ticket's card posted before its request was). */
  noLink?: boolean;
}

function readShown(raw: string | null | undefined): CardShown | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<CardShown>;
    return typeof value.sla === "string" ? { sla: value.sla, hint: value.hint === true, noLink: value.noLink === true } : null;
  } catch {
    return null;
  }
}

const shownJson = (shown: CardShown) =>
  JSON.stringify({ sla: shown.sla, ...(shown.hint ? { hint: true } : {}), ...(shown.noLink ? { noLink: true } : {}) });

const sameShown = (a: CardShown | null, b: CardShown) => a !== null && a.sla === b.sla && (a.noLink ?? false) === (b.noLink ?? false);

/** Days since 1970-01-01 UTC: the day a card's internal-thread hint belongs to. */
const utcDay = (at: Date) => Math.floor(at.getTime() / 86_400_000);

export class SlackTicketPosts implements TicketNotifier {
  /** The posts of the tickets a transaction has read, so several posts about one ticket read them once. */
  private readonly seen = new WeakMap<Tx, Map<string, number | null>>();
  private readonly filesSeen = new WeakMap<Tx, Map<number, readonly AttachedFile[]>>();
  /** What the cards a transaction read were last shown with. */
  private readonly shownSeen = new WeakMap<Tx, Map<number, CardShown | null>>();
  /** The newest day whose internal-thread hint is known to be taken (committed by some transaction). */
  private hintDay: number | null = null;

  constructor(
    private readonly outbox: Outbox,
    /** The database, for the adapter's own prepared statements. */
    private readonly db: SqlDb,
    /** TRIAGE_CHANNEL; without it no cards are posted. */
    private readonly triageChannel: string | undefined,
    /** Who an unassigned ticket's SLA alerts mention: the agents' user group, else the listed agents (sla-recipients.ts). */
    private readonly agents: AgentsToAlert = {},
    /** Whether cards offer "Tag as feedback" (PRODUCT_CHANNEL is set). */
    private readonly feedbackOn = false,
    /** Customer success, for the account a card shows (without it, cards show none). */
    private readonly success?: Pick<SuccessContext, "accounts">,
    /** The support desk's messages, for the files a card shows (without it, cards show none). */
    private readonly support?: { store: Pick<SupportStores, "messages"> },
    /** A message's permalink (the directory's), for a card whose ticket is in someone else's thread. */
    private readonly permalink: (channelId: string, ts: string) => string | null = () => null,
    private readonly refs: MessageRefs = messageRefs,
    /** CUSTOMER_ACK: whether a new ticket is acknowledged in the customer's thread. */
    private readonly customerAck = true,
  ) {}

  /** The outbox row of the ticket's acknowledgement (the post starting a /ticket thread) or card. */
  private async post(tx: Tx, ticketId: number, role: TicketPost): Promise<number | null> {
    const known = this.known(tx);
    const key = `${ticketId}:${role}`;
    if (!known.has(key)) known.set(key, await this.refs.get(tx, "ticket", ticketId, role));
    return known.get(key) ?? null;
  }

  private known(tx: Tx): Map<string, number | null> {
    let known = this.seen.get(tx);
    if (!known) this.seen.set(tx, (known = new Map()));
    return known;
  }

  /** The ticket's card (outbox row) and what it was last shown with, read once per transaction. */
  private async cardRef(tx: Tx, ticketId: number): Promise<{ card: number | null; shown: CardShown | null }> {
    const known = this.known(tx);
    const shown = this.shownOf(tx);
    const key = `${ticketId}:card`;
    if (!known.has(key) || !shown.has(ticketId)) {
      const ref = await this.refs.getShown(tx, "ticket", ticketId, "card");
      known.set(key, ref?.outboxId ?? null);
      shown.set(ticketId, readShown(ref?.shown));
    }
    return { card: known.get(key) ?? null, shown: shown.get(ticketId) ?? null };
  }

  private shownOf(tx: Tx): Map<number, CardShown | null> {
    let shown = this.shownSeen.get(tx);
    if (!shown) this.shownSeen.set(tx, (shown = new Map()));
    return shown;
  }

  private async card(tx: Tx, ticket: Ticket, sla: SlaStatus | null, hint = false) {
    const account = ticket.accountExternalId && this.success ? await readAccountCard(this.success, tx, ticket.accountExternalId) : null;
    // Made from a reply in a thread it did not start (a reply, a reacted reply, a follow-up): where that thread is.
    const inThread = ticket.threadTs !== null && ticket.sourceTs !== null && ticket.threadTs !== ticket.sourceTs;
    return ticketCard(ticket, sla, account, {
      feedback: this.feedbackOn,
      files: await this.files(tx, ticket),
      threadOf: inThread ? this.permalink(ticket.channelId, ticket.threadTs!) : null,
      hint,
    });
  }

  /** The files of the ticket's first message, read once per transaction. */
  private async files(tx: Tx, ticket: Ticket): Promise<readonly AttachedFile[]> {
    if (!this.support || !ticket.sourceTs) return [];
    let known = this.filesSeen.get(tx);
    if (!known) this.filesSeen.set(tx, (known = new Map()));
    let files = known.get(ticket.id);
    if (!files) known.set(ticket.id, (files = await readTicketFiles(this.support, tx, ticket)));
    return files;
  }

  async ticketCreated(tx: Tx, ticket: Ticket, sla: SlaStatus | null, now: Date, firstFiles?: readonly AttachedFile[]) {
    if (firstFiles && this.support && ticket.sourceTs) {
      let known = this.filesSeen.get(tx);
      if (!known) this.filesSeen.set(tx, (known = new Map()));
      known.set(ticket.id, firstFiles);
    }
    // CUSTOMER_ACK=off: no acknowledgement under the customer's message (a /ticket post still starts its thread).
    const ackPost: OutboxPost | null = ticket.threadTs
      ? this.customerAck
        ? { method: "chat.postMessage", channel: ticket.channelId, threadTs: ticket.threadTs, payload: { text: acknowledgement(ticket) } }
        : null
      : // No customer message to answer under: this post starts the customer's thread.
        { method: "chat.postMessage", channel: ticket.channelId, payload: { text: commandTicketPost(ticket) } };
    if (!this.triageChannel) {
      const ack = ackPost ? await this.outbox.enqueue(tx, ackPost, now) : null;
      await this.refs.setFirst(tx, this.db, "ticket", ticket.id, ack === null ? {} : { ack });
      this.known(tx).set(`${ticket.id}:ack`, ack).set(`${ticket.id}:card`, null);
      return;
    }
    // The internal-thread hint goes on the channel's first card of the day only (two cards racing may both carry it).
    const day = utcDay(now);
    const hint = !(await this.hintTaken(tx, day));
    const cardPost: OutboxPost = {
      method: "chat.postMessage",
      channel: this.triageChannel,
      payload: await this.card(tx, ticket, sla, hint),
    };
    // The acknowledgement and the card in one statement, in that order (the card's id is the larger).
    const ids = await this.outbox.enqueueAll(tx, ackPost ? [ackPost, cardPost] : [cardPost], now);
    const ack = ackPost ? ids[0] : null;
    const card = ids[ids.length - 1];
    if (hint) await this.refs.claim(tx, this.db, "triage_hint", day, "card", card);
    const shown: CardShown = { sla: cardSla(sla), hint, noLink: ticket.permalink === null };
    // Once sent, the ack that starts a /ticket thread and the card's thread belong to the ticket (thread-links.ts reads these refs).
    await this.refs.setFirst(tx, this.db, "ticket", ticket.id, { ...(ack === null ? {} : { ack }), card }, { card: shownJson(shown) });
    this.known(tx).set(`${ticket.id}:ack`, ack).set(`${ticket.id}:card`, card);
    this.shownOf(tx).set(ticket.id, shown);
  }

  /**
   * Whether a card of the day carries the internal-thread hint already. A day found taken stays taken
   * (the record is never removed), so it is asked once per day and process, not for every new ticket.
   */
  private async hintTaken(tx: Tx, day: number): Promise<boolean> {
    if (this.hintDay === day) return true;
    const taken = await this.refs.has(tx, this.db, "triage_hint", day, "card");
    // Seen by this transaction before it claims the day itself: another transaction committed it.
    if (taken && (this.hintDay === null || day > this.hintDay)) this.hintDay = day;
    return taken;
  }

  async refreshCards(tx: Tx, cards: readonly { ticket: Ticket; sla: SlaStatus | null }[], now: Date): Promise<number> {
    if (!this.triageChannel || cards.length === 0) return 0;
    const refs = await this.refs.getManyShown(
      tx,
      "ticket",
      cards.map((c) => c.ticket.id),
      "card",
    );
    let refreshed = 0;
    for (const { ticket, sla } of cards) {
      const ref = refs.get(ticket.id);
      if (!ref) continue;
      const shown = readShown(ref.shown);
      if (sameShown(shown, { sla: cardSla(sla), noLink: ticket.permalink === null })) continue;
      this.known(tx).set(`${ticket.id}:card`, ref.outboxId);
      this.shownOf(tx).set(ticket.id, shown);
      await this.updateCard(tx, ref.outboxId, ticket, sla, now);
      refreshed++;
    }
    return refreshed;
  }

  async ticketChanged(tx: Tx, ticket: Ticket, change: TicketChange, sla: SlaStatus | null, now: Date) {
    if (!this.triageChannel) return;
    const { card } = await this.cardRef(tx, ticket.id);
    if (!card) return;
    await this.updateCard(tx, card, ticket, sla, now);
    await this.inCardThread(tx, card, changeLogLine(change), now);
  }

  async slaAlert(tx: Tx, ticket: Ticket, alert: SlaAlert, sla: SlaStatus | null, now: Date) {
    if (!this.triageChannel) return;
    const { card, shown } = await this.cardRef(tx, ticket.id);
    if (!card) return;
    const to = slaRecipients(ticket.assigneeId, this.agents);
    // The card sweep may have shown this state already.
    if (shown?.sla !== cardSla(sla)) await this.updateCard(tx, card, ticket, sla, now);
    if (alert.level === "warning") {
      await this.inCardThread(tx, card, slaAlertLine(to, ticket, alert), now);
      return;
    }
    // A breach is also shown in the channel (reply_broadcast), so it says which account and request it is.
    const account = ticket.accountExternalId && this.success ? await readAccountCard(this.success, tx, ticket.accountExternalId) : null;
    await this.outbox.enqueue(
      tx,
      {
        method: "chat.postMessage",
        channel: this.triageChannel,
        threadRefId: card,
        payload: { text: slaAlertLine(to, ticket, alert, account), reply_broadcast: true },
      },
      now,
    );
  }

  async threadContext(tx: Tx, ticket: Ticket, messages: readonly ThreadMessage[], now: Date) {
    for (const text of threadContextPosts(messages)) await this.inTicketCardThread(tx, ticket, text, now);
  }

  async conversationMessage(tx: Tx, ticket: Ticket, message: MessageNote, now: Date) {
    const mirror = await this.inTicketCardThread(tx, ticket, mirroredMessage(message), now);
    // Kept so that an edit of the message in Slack updates this mirror.
    if (mirror !== null && message.messageId !== undefined) await this.refs.set(tx, "ticket_message", message.messageId, "mirror", mirror);
  }

  async sourceChanged(tx: Tx, ticket: Ticket, change: SourceChange, sla: SlaStatus | null, now: Date) {
    if (!this.triageChannel) return;
    const { card } = await this.cardRef(tx, ticket.id);
    if (!card) return;
    await this.updateCard(tx, card, ticket, sla, now);
    await this.inCardThread(tx, card, sourceChangeLine(ticket, change), now);
  }

  async messageChanged(tx: Tx, ticket: Ticket, message: ChangedMessage, now: Date) {
    if (!this.triageChannel) return;
    const text = mirroredMessage(message);
    const mirror = await this.refs.get(tx, "ticket_message", message.messageId, "mirror");
    if (mirror !== null) {
      await this.outbox.enqueue(tx, { method: "chat.update", channel: this.triageChannel, updateRefId: mirror, payload: { text } }, now);
      return;
    }
    // Mirrored before mirrors were kept: the changed message is posted anew, and kept from now on.
    const posted = await this.inTicketCardThread(tx, ticket, text, now);
    if (posted !== null) await this.refs.set(tx, "ticket_message", message.messageId, "mirror", posted);
  }

  async replyToCustomer(tx: Tx, ticket: Ticket, agentId: string, text: string, now: Date) {
    await this.outbox.enqueue(
      tx,
      {
        method: "chat.postMessage",
        channel: ticket.channelId,
        ...(await this.customerThread(tx, ticket)),
        payload: { text: customerReply(text) },
        // Shown with the agent's name and picture (the dispatcher's authorOf), else as the app.
        author: agentId,
      },
      now,
    );
    await this.inTicketCardThread(tx, ticket, replyLogLine(agentId, text), now);
  }

  async ticketResolved(tx: Tx, ticket: Ticket, actorId: string | null, now: Date) {
    await this.outbox.enqueue(
      tx,
      {
        method: "chat.postMessage",
        channel: ticket.channelId,
        ...(await this.customerThread(tx, ticket)),
        payload: { text: resolvedNote(ticket, actorId) },
      },
      now,
    );
  }

  async csatSurvey(tx: Tx, ticket: Ticket, now: Date) {
    const survey = await this.outbox.enqueue(
      tx,
      {
        method: "chat.postMessage",
        channel: ticket.channelId,
        ...(await this.customerThread(tx, ticket)),
        payload: { ...csatSurvey(ticket) },
      },
      now,
    );
    await this.refs.set(tx, "csat_survey", ticket.id, "survey", survey);
  }

  async csatLowScore(tx: Tx, ticket: Ticket, score: number, userId: string, now: Date) {
    await this.inTicketCardThread(tx, ticket, csatLowScoreLine(ticket, score, userId), now);
  }

  /** The customer's thread: known, or the app's own post that starts it (/ticket). */
  private async customerThread(tx: Tx, ticket: Ticket) {
    return ticket.threadTs ? { threadTs: ticket.threadTs } : { threadRefId: await this.post(tx, ticket.id, "ack") };
  }

  /** Updates the card in place, keeping its hint, and records the SLA state it now shows when that changed. */
  private async updateCard(tx: Tx, card: number, ticket: Ticket, sla: SlaStatus | null, now: Date) {
    const { shown } = await this.cardRef(tx, ticket.id);
    const hint = shown?.hint === true;
    await this.outbox.enqueue(
      tx,
      { method: "chat.update", channel: this.triageChannel!, updateRefId: card, payload: await this.card(tx, ticket, sla, hint) },
      now,
    );
    const next: CardShown = { sla: cardSla(sla), hint, noLink: ticket.permalink === null };
    if (!sameShown(shown, next)) {
      await this.refs.setShown(tx, "ticket", ticket.id, "card", shownJson(next));
      this.shownOf(tx).set(ticket.id, next);
    }
  }

  /** Posts in the ticket's card thread; the post's outbox id, or null when there is no card. */
  private async inTicketCardThread(tx: Tx, ticket: Ticket, text: string, now: Date): Promise<number | null> {
    if (!this.triageChannel) return null;
    const card = await this.post(tx, ticket.id, "card");
    return card ? this.inCardThread(tx, card, text, now) : null;
  }

  private inCardThread(tx: Tx, card: number, text: string, now: Date): Promise<number> {
    return this.outbox.enqueue(tx, { method: "chat.postMessage", channel: this.triageChannel!, threadRefId: card, payload: { text } }, now);
  }
}
