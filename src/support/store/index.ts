// The support desk's stores on Prisma (SQLite or Postgres), as the use cases receive them.
import type { Database } from "../../platform/db/client.ts";
import { prismaCsat } from "./csat.ts";
import { prismaTicketEvents } from "./events.ts";
import { prismaMetrics } from "./metrics.ts";
import { prismaTicketMessages } from "./messages.ts";
import { prismaQueue } from "./queue.ts";
import { prismaSlaTimers } from "./sla-timers.ts";
import { PrismaSupportChannels } from "./support-channels.ts";
import { prismaThreadLinks } from "./thread-links.ts";
import { prismaTickets } from "./tickets.ts";

/** `configuredChannels`: SUPPORT_CHANNELS. */
export function prismaSupportStores(db: Database, configuredChannels: readonly string[]) {
  return {
    tickets: prismaTickets(db),
    messages: prismaTicketMessages(db),
    threads: prismaThreadLinks(db),
    events: prismaTicketEvents(db),
    timers: prismaSlaTimers(db),
    csat: prismaCsat,
    channels: new PrismaSupportChannels(configuredChannels),
    metrics: prismaMetrics(db),
    queue: prismaQueue,
  };
}
