// What every support use case receives: how to run a transaction, the stores, the ports to the outside
// world, the clock, the logger and the desk's settings. Built once in src/main.ts.
import type { Access } from "../../shared/access.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Tx } from "../../platform/db/client.ts";
import type { Transactor } from "../../platform/db/transactor.ts";
import type { Config } from "../../platform/config/config.ts";
import type { Logger } from "../../platform/observability/log.ts";
import { DomainError } from "../../shared/errors.ts";
import type { Actor } from "../../shared/actor.ts";
import type { KnownAccounts, PeopleDirectory, SharedFiles, SummaryNotifier, TicketNotifier } from "../ports.ts";
import type { CsatSettings } from "../rules/csat.ts";
import type { IntakePolicy } from "../rules/intake.ts";
import type { SlaPolicy } from "../rules/sla-policy.ts";
import type { CsatStore } from "../store/csat.ts";
import type { TicketEventStore } from "../store/events.ts";
import type { MetricsStore } from "../store/metrics.ts";
import type { TicketMessageStore } from "../store/messages.ts";
import type { QueueStore } from "../store/queue.ts";
import type { SlaTimerStore } from "../store/sla-timers.ts";
import type { SupportChannelStore } from "../store/support-channels.ts";
import type { ThreadLinkStore } from "../store/thread-links.ts";
import type { TicketStore } from "../store/tickets.ts";

export interface SupportStores {
  tickets: TicketStore;
  messages: TicketMessageStore;
  threads: ThreadLinkStore;
  events: TicketEventStore;
  timers: SlaTimerStore;
  csat: CsatStore;
  channels: SupportChannelStore;
  metrics: MetricsStore;
  queue: QueueStore;
}

export interface SupportSettings {
  /** TRIAGE_CHANNEL: the team's channel of triage cards; never a customer channel. */
  triageChannel: string | null;
  intake: IntakePolicy;
  csat: CsatSettings;
  sla: SlaPolicy;
}

/** The support settings the configuration (and the SLA policy file) give. */
export function supportSettings(config: Config, sla: SlaPolicy): SupportSettings {
  return {
    triageChannel: config.TRIAGE_CHANNEL ?? null,
    intake: {
      ignorePleasantries: config.INTAKE_IGNORE_PLEASANTRIES,
      mergeWindowMs: config.INTAKE_MERGE_WINDOW_MINUTES * 60_000,
      reopenWindowMs: config.REOPEN_WINDOW,
    },
    csat: { enabled: config.CSAT_ENABLED, sampleRate: config.CSAT_SAMPLE_RATE, minDaysBetween: config.CSAT_MIN_DAYS_BETWEEN },
    sla,
  };
}

export interface SupportContext {
  /** Who may do what: every use case a person starts checks it first. */
  access: Access;
  tx: Transactor;
  /** The database outside any transaction: for a single read that needs none (no transaction round trips). */
  db: Tx;
  store: SupportStores;
  notifier: TicketNotifier;
  summary: SummaryNotifier;
  people: PeopleDirectory;
  /** The details of files customers share (asked for after Slack has its acknowledgement). */
  files: SharedFiles;
  accounts: KnownAccounts;
  clock: Clock;
  log: Logger;
  settings: SupportSettings;
}

/** The person acting; "actor.not_a_person" for the API or a job where only a person can act. */
export function personOf(actor: Actor): { userId: string; teamId: string | null } {
  if (actor.kind !== "user") throw new DomainError("actor.not_a_person", { actor: actor.kind });
  return { userId: actor.userId, teamId: actor.teamId ?? null };
}
