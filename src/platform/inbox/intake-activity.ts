// Acknowledgements come first. The receiver reports every Slack request it takes and answers; the
// inbox processor waits for a quiet moment (no request in flight, none for a few milliseconds) before
// each event, so a burst of intake is answered at full speed and processed right after it. A floor
// keeps processing going under unbroken load.
import { performance } from "node:perf_hooks";

export class IntakeActivity {
  private inFlight = 0;
  private lastActivityAt = -Infinity;

  constructor(
    /** No request in flight for this long counts as quiet. */
    private readonly quietMs = 5,
    /** Never wait longer than this before the next event (the processing floor). */
    private readonly maxWaitMs = 1000,
  ) {}

  /** A Slack request arrived; returns the function to call once it is answered. */
  begin(): () => void {
    this.inFlight += 1;
    this.lastActivityAt = performance.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight -= 1;
      this.lastActivityAt = performance.now();
    };
  }

  async quiet(): Promise<void> {
    const started = performance.now();
    for (;;) {
      // Let requests that arrived while the loop was busy be read (and counted) before judging.
      await new Promise((r) => setImmediate(r));
      const now = performance.now();
      if (now - started >= this.maxWaitMs) return;
      const idleFor = now - this.lastActivityAt;
      if (this.inFlight === 0 && idleFor >= this.quietMs) return;
      const wait = this.inFlight === 0 ? this.quietMs - idleFor + 0.5 : this.quietMs;
      await new Promise((r) => setTimeout(r, Math.max(1, Math.min(wait, this.maxWaitMs - (now - started)))));
    }
  }
}
