// Turns the desk's ticket changes into Slack posts, written to the outbox inside the caller's
// transaction: the acknowledgement in the customer's thread, the triage card and its thread.
import type { Tx } from "../../platform/db/client.ts";
import type { Outbox } from "../../platform/outbox/outbox.ts";
import type { Ticket, TicketChange } from "../../support/rules/ticket.ts";
import type { MessageNote, SlaAlert, TicketNotifier } from "../../support/ports.ts";
import type { SlaClock } from "../../support/store/sla-timers.ts";
import { ticketCard } from "../blocks/ticket-card.ts";
import { readAccountCard } from "../../success/use-cases/read-account-card.ts";
import type { SuccessContext } from "../../success/use-cases/context.ts";
import {
  acknowledgement,
  changeLogLine,
  commandTicketPost,
  mirroredMessage,
  replyLogLine,
  slaAlertLine,
} from "../blocks/ticket-messages.ts";
import { escapeMrkdwn } from "../blocks/limits.ts";
import { csatLowScoreLine, csatSurvey } from "../blocks/csat.ts";

export class SlackTicketPosts implements TicketNotifier {
  constructor(
    private readonly outbox: Outbox,
    /** TRIAGE_CHANNEL; without it no cards are posted. */
    private readonly triageChannel: string | undefined,
    private readonly sla: SlaClock,
    /** Who is mentioned for an unassigned ticket's SLA alerts (a user group), if anyone. */
    private readonly triageGroupId?: string,
    /** Whether cards offer "Tag as feedback" (PRODUCT_CHANNEL is set). */
    private readonly feedbackOn = false,
    /** Customer success, for the account a card shows (without it, cards show none). */
    private readonly success?: Pick<SuccessContext, "accounts">,
  ) {}

  private async card(tx: Tx, ticket: Ticket, now: Date) {
    const account = ticket.accountExternalId && this.success ? await readAccountCard(this.success, tx, ticket.accountExternalId) : null;
    return ticketCard(ticket, await this.sla.status(tx, ticket.id, now), account, { feedback: this.feedbackOn });
  }

  async ticketCreated(tx: Tx, ticket: Ticket, now: Date) {
    const ackOutboxId = ticket.threadTs
      ? await this.outbox.enqueue(
          tx,
          { method: "chat.postMessage", channel: ticket.channelId, threadTs: ticket.threadTs, payload: { text: acknowledgement(ticket) } },
          now,
        )
      : await this.outbox.enqueue(
          tx,
          // No customer message to answer under: this post starts the customer's thread.
          {
            method: "chat.postMessage",
            channel: ticket.channelId,
            payload: { text: commandTicketPost(ticket) },
            ticketId: ticket.id,
            linkRole: "customer",
          },
          now,
        );
    let cardOutboxId: number | null = null;
    if (this.triageChannel) {
      cardOutboxId = await this.outbox.enqueue(
        tx,
        {
          method: "chat.postMessage",
          channel: this.triageChannel,
          payload: await this.card(tx, ticket, now),
          ticketId: ticket.id,
          linkRole: "card",
        },
        now,
      );
    }
    return { ackOutboxId, cardOutboxId };
  }

  async ticketChanged(tx: Tx, ticket: Ticket, change: TicketChange, now: Date) {
    if (!this.triageChannel || !ticket.cardOutboxId) return;
    await this.updateCard(tx, ticket, now);
    await this.inCardThread(tx, ticket, changeLogLine(change), now);
  }

  async slaAlert(tx: Tx, ticket: Ticket, alert: SlaAlert, now: Date) {
    if (!this.triageChannel || !ticket.cardOutboxId) return;
    const who = ticket.assigneeId ? `<@${ticket.assigneeId}>` : this.triageGroupId ? `<!subteam^${this.triageGroupId}>` : "Unassigned:";
    await this.updateCard(tx, ticket, now);
    await this.inCardThread(tx, ticket, slaAlertLine(who, ticket, alert), now);
  }

  private async updateCard(tx: Tx, ticket: Ticket, now: Date) {
    if (!this.triageChannel || !ticket.cardOutboxId) return;
    await this.outbox.enqueue(
      tx,
      { method: "chat.update", channel: this.triageChannel, updateRefId: ticket.cardOutboxId, payload: await this.card(tx, ticket, now) },
      now,
    );
  }

  async conversationMessage(tx: Tx, ticket: Ticket, message: MessageNote, now: Date) {
    await this.inCardThread(tx, ticket, mirroredMessage(message), now);
  }

  async replyToCustomer(tx: Tx, ticket: Ticket, agentId: string, text: string, now: Date) {
    await this.outbox.enqueue(
      tx,
      {
        method: "chat.postMessage",
        channel: ticket.channelId,
        ...(ticket.threadTs ? { threadTs: ticket.threadTs } : { threadRefId: ticket.ackOutboxId }),
        payload: { text: escapeMrkdwn(text) },
      },
      now,
    );
    await this.inCardThread(tx, ticket, replyLogLine(agentId, text), now);
  }

  async csatSurvey(tx: Tx, ticket: Ticket, now: Date) {
    return this.outbox.enqueue(
      tx,
      {
        method: "chat.postMessage",
        channel: ticket.channelId,
        ...(ticket.threadTs ? { threadTs: ticket.threadTs } : { threadRefId: ticket.ackOutboxId }),
        payload: { ...csatSurvey(ticket) },
      },
      now,
    );
  }

  async csatLowScore(tx: Tx, ticket: Ticket, score: number, userId: string, now: Date) {
    await this.inCardThread(tx, ticket, csatLowScoreLine(ticket, score, userId), now);
  }

  private async inCardThread(tx: Tx, ticket: Ticket, text: string, now: Date) {
    if (!this.triageChannel || !ticket.cardOutboxId) return;
    await this.outbox.enqueue(
      tx,
      { method: "chat.postMessage", channel: this.triageChannel, threadRefId: ticket.cardOutboxId, payload: { text } },
      now,
    );
  }
}
