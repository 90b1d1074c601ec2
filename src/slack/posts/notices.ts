// Short notices to one person that no domain change carries (a reaction that could not be used, for
// example): an ephemeral message in the channel, or a direct message, sent through the outbox like
// every other post, each in its own transaction (the transactor wakes the outbox after the commit).
import type { Clock } from "../../platform/clock.ts";
import type { Transactor } from "../../platform/db/transactor.ts";
import type { Outbox } from "../../platform/outbox/outbox.ts";

export class SlackNotices {
  constructor(
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async ephemeral(channel: string, user: string, text: string): Promise<void> {
    await this.tx.transaction((tx) =>
      this.outbox.enqueue(tx, { method: "chat.postEphemeral", channel, payload: { text, user } }, this.clock.now()),
    );
  }

  /** A message in the app's direct messages with the person. */
  async direct(user: string, text: string): Promise<void> {
    await this.tx.transaction((tx) =>
      this.outbox.enqueue(tx, { method: "chat.postMessage", channel: user, payload: { text } }, this.clock.now()),
    );
  }
}
