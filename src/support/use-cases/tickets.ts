// The support desk: tickets, their messages and their lifecycle. Every change is stored with its
// author and time (TicketEvent) in the same transaction as the posts it causes (through the notifier).
import type { Database, Tx } from "../../platform/db/client.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Logger } from "../../platform/observability/log.ts";
import {
  type AuthorRole,
  type Origin,
  type Priority,
  type Status,
  type Ticket,
  type TicketChange,
  TicketNotFound,
} from "../rules/ticket.ts";
import type { TicketNotifier } from "../ports.ts";
import type { SlaClock } from "../store/sla-timers.ts";
import type { CsatService } from "./csat.ts";

export interface NewTicket {
  channelId: string;
  /** The customer's message it is made from (null for /ticket). */
  sourceTs: string | null;
  /** Root of the customer's thread, when it exists already. */
  threadTs: string | null;
  requesterId: string;
  requesterTeamId?: string | null;
  requesterName?: string | null;
  requesterCompany?: string | null;
  text: string;
  permalink?: string | null;
  origin: Origin;
  createdById?: string | null;
  /** When the customer asked (the message's time). */
  at: Date;
  accountExternalId?: string | null;
  tier?: string | null;
  previousTicketId?: number | null;
}

export interface ConversationMessage {
  channelId: string;
  ts: string;
  userId: string;
  text: string;
  role: AuthorRole;
  at: Date;
}

/** What happened to a message offered to a ticket. */
export type MessageOutcome = "added" | "duplicate" | { newTicket: Ticket };

export interface DeskPolicy {
  /** A customer's reply this long after resolution reopens the ticket; later, it opens a new one. */
  reopenWindowMs: number;
}

export class TicketService {
  constructor(
    private readonly db: Database,
    private readonly notifier: TicketNotifier,
    private readonly sla: SlaClock,
    private readonly policy: DeskPolicy,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly afterCommit: () => void = () => {},
    private readonly csat?: Pick<CsatService, "onResolved">,
  ) {}

  private async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.db.client.$transaction(work, { timeout: 20_000, maxWait: 20_000 });
    this.afterCommit();
    return result;
  }

  async get(id: number): Promise<Ticket | null> {
    return this.db.client.ticket.findUnique({ where: { id } });
  }

  async bySource(channelId: string, sourceTs: string): Promise<Ticket | null> {
    return this.db.client.ticket.findUnique({ where: { channelId_sourceTs: { channelId, sourceTs } } });
  }

  /** The ticket a Slack thread belongs to (the newest one, if several share it). */
  async byThread(channelId: string, threadTs: string, role: "customer" | "card"): Promise<Ticket | null> {
    const link = await this.db.client.threadLink.findFirst({
      where: { channelId, threadTs, role },
      orderBy: { ticketId: "desc" },
      include: { ticket: true },
    });
    return link?.ticket ?? null;
  }

  /** The requester's open ticket in this channel that heard from them since `since`, if any. */
  async recentOpenTicket(channelId: string, requesterId: string, since: Date): Promise<Ticket | null> {
    return this.db.client.ticket.findFirst({
      where: { channelId, requesterId, status: { not: "resolved" }, lastCustomerMessageAt: { gte: since } },
      orderBy: { lastCustomerMessageAt: "desc" },
    });
  }

  /** Makes a ticket, acknowledges it and posts its card. Idempotent per source message. */
  async create(input: NewTicket): Promise<{ ticket: Ticket; created: boolean }> {
    if (input.sourceTs) {
      const existing = await this.bySource(input.channelId, input.sourceTs);
      if (existing) return { ticket: existing, created: false };
    }
    try {
      const ticket = await this.transaction(async (tx) => {
        const now = this.clock.now();
        const created = await tx.ticket.create({
          data: {
            channelId: input.channelId,
            sourceTs: input.sourceTs,
            threadTs: input.threadTs,
            requesterId: input.requesterId,
            requesterTeamId: input.requesterTeamId ?? null,
            requesterName: input.requesterName ?? null,
            requesterCompany: input.requesterCompany ?? null,
            text: input.text,
            permalink: input.permalink ?? null,
            origin: input.origin,
            createdById: input.createdById ?? null,
            createdAt: input.at,
            lastCustomerMessageAt: input.at,
            accountExternalId: input.accountExternalId ?? null,
            tier: input.tier ?? null,
            previousTicketId: input.previousTicketId ?? null,
          },
        });
        await this.sla.start(tx, created, input.at);
        await tx.ticketEvent.create({
          data: {
            ticketId: created.id,
            kind: "created",
            actorId: input.createdById ?? input.requesterId,
            toValue: input.origin,
            at: input.at,
          },
        });
        if (input.sourceTs) {
          await tx.ticketMessage.create({
            data: {
              ticketId: created.id,
              channelId: input.channelId,
              ts: input.sourceTs,
              userId: input.requesterId,
              role: "customer",
              text: input.text,
              at: input.at,
            },
          });
        }
        if (input.threadTs) {
          await tx.threadLink.create({
            data: { channelId: input.channelId, threadTs: input.threadTs, ticketId: created.id, role: "customer" },
          });
        }
        const posts = await this.notifier.ticketCreated(tx, created, now);
        return tx.ticket.update({ where: { id: created.id }, data: { ackOutboxId: posts.ackOutboxId, cardOutboxId: posts.cardOutboxId } });
      });
      this.log.info(
        { event: "ticket.created", ticket: ticket.id, channel: ticket.channelId, origin: ticket.origin, requester: ticket.requesterId },
        "ticket created",
      );
      return { ticket, created: true };
    } catch (error) {
      // Another delivery of the same message made it first.
      if (input.sourceTs && isUniqueViolation(error)) {
        const existing = await this.bySource(input.channelId, input.sourceTs);
        if (existing) return { ticket: existing, created: false };
      }
      throw error;
    }
  }

  /**
   * Adds a message from the customer's side to a ticket: mirrored into the card's thread; a customer's
   * message reopens a resolved ticket and brings a pending one back to open; an agent's is a response.
   */
  async addMessage(ticketId: number, message: ConversationMessage): Promise<MessageOutcome> {
    if (message.role === "customer") {
      const ticket = await this.get(ticketId);
      if (!ticket) throw new TicketNotFound(ticketId);
      if (
        ticket.status === "resolved" &&
        ticket.resolvedAt &&
        message.at.getTime() - ticket.resolvedAt.getTime() > this.policy.reopenWindowMs
      ) {
        return this.followUp(ticket, message);
      }
    }
    const outcome = await this.transaction(async (tx): Promise<MessageOutcome> => {
      const ticket = await tx.ticket.findUnique({ where: { id: ticketId } });
      if (!ticket) throw new TicketNotFound(ticketId);
      const seen = await tx.ticketMessage.findUnique({ where: { channelId_ts: { channelId: message.channelId, ts: message.ts } } });
      if (seen) return "duplicate";
      await tx.ticketMessage.create({ data: { ticketId, ...message } });
      const now = this.clock.now();
      if (message.role === "customer") {
        const current = await tx.ticket.update({
          where: { id: ticketId },
          data: { lastCustomerMessageAt: message.at > ticket.lastCustomerMessageAt ? message.at : ticket.lastCustomerMessageAt },
        });
        await tx.ticketEvent.create({ data: { ticketId, kind: "customer_message", actorId: message.userId, at: message.at } });
        await this.notifier.conversationMessage(tx, current, message, now);
        if (ticket.status === "resolved") {
          await this.changeStatus(tx, current, "open", null, message.at, "reopened");
        } else if (ticket.status === "pending") {
          await this.changeStatus(tx, current, "open", null, message.at, "status_changed");
        }
      } else {
        const current = await this.recordResponse(tx, ticket, message.userId, message.at);
        await this.notifier.conversationMessage(tx, current, message, now);
      }
      return "added";
    });
    if (outcome === "added") {
      this.log.info(
        { event: message.role === "customer" ? "ticket.customer_message" : "ticket.response", ticket: ticketId, user: message.userId },
        "message added to ticket",
      );
    }
    return outcome;
  }

  /** A customer's reply long after resolution: a new ticket, linked to the old one, in the same thread. */
  private async followUp(previous: Ticket, message: ConversationMessage): Promise<MessageOutcome> {
    const seen = await this.db.client.ticketMessage.findUnique({
      where: { channelId_ts: { channelId: message.channelId, ts: message.ts } },
    });
    if (seen) return "duplicate";
    const thread =
      previous.threadTs ??
      (await this.db.client.threadLink.findFirst({ where: { ticketId: previous.id, role: "customer" }, orderBy: { id: "asc" } }))
        ?.threadTs ??
      message.ts;
    const { ticket } = await this.create({
      channelId: message.channelId,
      sourceTs: message.ts,
      threadTs: thread,
      requesterId: message.userId,
      requesterTeamId: previous.requesterTeamId,
      requesterName: previous.requesterId === message.userId ? previous.requesterName : null,
      requesterCompany: previous.requesterCompany,
      text: message.text,
      permalink: previous.permalink,
      origin: "message",
      at: message.at,
      accountExternalId: previous.accountExternalId,
      tier: previous.tier,
      previousTicketId: previous.id,
    });
    return { newTicket: ticket };
  }

  /** Makes replies under another message of the customer's count for this ticket too. */
  async linkThread(ticketId: number, channelId: string, threadTs: string): Promise<void> {
    const link = { channelId, threadTs, ticketId };
    const exists = await this.db.client.threadLink.findFirst({ where: link, select: { id: true } });
    if (!exists) await this.db.client.threadLink.create({ data: { ...link, role: "customer" } });
  }

  /** An agent's note in the card's thread: stored as internal, never sent to the customer. */
  async addInternalNote(
    ticketId: number,
    note: { channelId: string; ts: string; userId: string; text: string; at: Date },
  ): Promise<MessageOutcome> {
    return this.transaction(async (tx) => {
      const seen = await tx.ticketMessage.findUnique({ where: { channelId_ts: { channelId: note.channelId, ts: note.ts } } });
      if (seen) return "duplicate";
      await tx.ticketMessage.create({ data: { ticketId, ...note, role: "internal" } });
      await tx.ticketEvent.create({ data: { ticketId, kind: "internal_note", actorId: note.userId, at: note.at } });
      return "added";
    });
  }

  /** The Reply to customer modal: the app posts the answer in the customer's thread; it counts as a response. */
  async replyToCustomer(ticketId: number, agentId: string, text: string): Promise<Ticket> {
    const ticket = await this.transaction(async (tx) => {
      const ticket = await tx.ticket.findUnique({ where: { id: ticketId } });
      if (!ticket) throw new TicketNotFound(ticketId);
      const now = this.clock.now();
      const updated = await this.recordResponse(tx, ticket, agentId, now);
      await this.notifier.replyToCustomer(tx, updated, agentId, text, now);
      return updated;
    });
    this.log.info({ event: "ticket.reply_sent", ticket: ticketId, agent: agentId }, "reply to customer queued");
    return ticket;
  }

  async assign(ticketId: number, assigneeId: string | null, actorId: string): Promise<Ticket> {
    return this.change(ticketId, async (tx, ticket, now) => {
      if (ticket.assigneeId === assigneeId) return ticket;
      const updated = await tx.ticket.update({ where: { id: ticketId }, data: { assigneeId } });
      const change: TicketChange = { kind: "assignee_changed", actorId, from: ticket.assigneeId, to: assigneeId };
      await this.recordChange(tx, updated, change, now);
      return updated;
    });
  }

  async setPriority(ticketId: number, priority: Priority, actorId: string): Promise<Ticket> {
    return this.change(ticketId, async (tx, ticket, now) => {
      if (ticket.priority === priority) return ticket;
      const updated = await tx.ticket.update({ where: { id: ticketId }, data: { priority } });
      await this.sla.retarget(tx, updated);
      await this.recordChange(tx, updated, { kind: "priority_changed", actorId, from: ticket.priority as Priority, to: priority }, now);
      return updated;
    });
  }

  async setStatus(ticketId: number, status: Status, actorId: string): Promise<Ticket> {
    return this.change(ticketId, async (tx, ticket, now) => {
      if (ticket.status === status) return ticket;
      const reopening = ticket.status === "resolved" && status !== "resolved";
      return this.changeStatus(tx, ticket, status, actorId, now, reopening ? "reopened" : "status_changed");
    });
  }

  private async change(ticketId: number, work: (tx: Tx, ticket: Ticket, now: Date) => Promise<Ticket>): Promise<Ticket> {
    return this.transaction(async (tx) => {
      const ticket = await tx.ticket.findUnique({ where: { id: ticketId } });
      if (!ticket) throw new TicketNotFound(ticketId);
      return work(tx, ticket, this.clock.now());
    });
  }

  private async changeStatus(
    tx: Tx,
    ticket: Ticket,
    to: Status,
    actorId: string | null,
    at: Date,
    kind: "status_changed" | "reopened",
  ): Promise<Ticket> {
    const from = ticket.status as Status;
    const data: Record<string, unknown> = { status: to };
    if (to === "resolved") {
      Object.assign(data, {
        resolvedAt: at,
        resolvedById: actorId,
        resolutionSeconds: Math.max(0, Math.round((at.getTime() - ticket.createdAt.getTime()) / 1000)),
        resolutionBusinessSeconds: this.sla.businessSeconds(ticket.createdAt, at),
      });
    }
    if (kind === "reopened") Object.assign(data, { reopenedAt: at, reopenCount: { increment: 1 }, resolvedAt: null, resolvedById: null });
    const updated = await tx.ticket.update({ where: { id: ticket.id }, data });
    if (to === "resolved") {
      await this.sla.stop(tx, ticket.id, "resolution", at);
      await this.sla.cancel(tx, ticket.id, "first_response", at);
    } else if (kind === "reopened") {
      await this.sla.restartResolution(tx, updated, at);
      if (to === "pending") await this.sla.pause(tx, ticket.id, at);
    } else if (to === "pending") {
      await this.sla.pause(tx, ticket.id, at);
    } else if (from === "pending") {
      await this.sla.resume(tx, ticket.id, at);
    }
    await this.recordChange(tx, updated, { kind, actorId, from, to } as TicketChange, at);
    if (to === "resolved") await tx.ticketEvent.create({ data: { ticketId: ticket.id, kind: "resolved", actorId, at } });
    if (to === "resolved") await this.csat?.onResolved(tx, updated, at);
    return updated;
  }

  private async recordChange(tx: Tx, ticket: Ticket, change: TicketChange, at: Date): Promise<void> {
    await tx.ticketEvent.create({
      data: { ticketId: ticket.id, kind: change.kind, actorId: change.actorId, fromValue: change.from, toValue: change.to, at },
    });
    await this.notifier.ticketChanged(tx, ticket, change, at);
    this.log.info(
      { event: `ticket.${change.kind}`, ticket: ticket.id, actor: change.actorId, from: change.from, to: change.to },
      "ticket changed",
    );
  }

  private async recordResponse(tx: Tx, ticket: Ticket, agentId: string, at: Date): Promise<Ticket> {
    const first = ticket.firstResponseAt === null;
    await tx.ticketEvent.create({ data: { ticketId: ticket.id, kind: first ? "first_response" : "response", actorId: agentId, at } });
    if (!first) return tx.ticket.update({ where: { id: ticket.id }, data: { agentResponseCount: { increment: 1 } } });
    await this.sla.stop(tx, ticket.id, "first_response", at);
    return tx.ticket.update({
      where: { id: ticket.id },
      data: {
        firstResponseAt: at,
        firstResponderId: agentId,
        agentResponseCount: { increment: 1 },
        firstResponseSeconds: Math.max(0, Math.round((at.getTime() - ticket.createdAt.getTime()) / 1000)),
        firstResponseBusinessSeconds: this.sla.businessSeconds(ticket.createdAt, at),
      },
    });
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
