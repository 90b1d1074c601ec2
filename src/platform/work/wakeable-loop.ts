// A background loop that runs a step, then sleeps until woken or until the poll interval passes.
// The inbox processor and the outbox dispatcher both run on one.
export class WakeableLoop {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;

  /** `step` returns true when it did work and should run again at once. */
  constructor(
    private readonly step: () => Promise<boolean>,
    private readonly pollMs: number,
    private readonly onError: (error: unknown) => void,
    /** Least time between two steps when woken early (coalesces a burst of wake-ups). */
    private readonly minGapMs = 0,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the step in hand. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      const startedAt = Date.now();
      let again = false;
      try {
        again = await this.step();
      } catch (error) {
        this.onError(error);
      }
      if (!this.running) break;
      if (again) continue;
      if (!this.woken) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.pollMs);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = null;
      }
      // Woken early, during the step or after it: no sooner than minGapMs after the last step began, so
      // wake-ups that come one by one (a commit each) are coalesced as well as those that come together.
      const wait = startedAt + this.minGapMs - Date.now();
      if (this.running && wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }
}
