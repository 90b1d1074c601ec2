import type { Clock } from "../../src/platform/clock.ts";

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  private ms: number;
  constructor(start: string | Date) {
    this.ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  set(at: string | Date): void {
    this.ms = new Date(at).getTime();
  }
  advance(ms: number): Date {
    this.ms += ms;
    return this.now();
  }
  /** The Slack ts of the current moment (unique per call within a test via the counter). */
  ts(): string {
    return `${Math.floor(this.ms / 1000)}.${String((this.ms % 1000) * 1000 + (tsCounter++ % 1000)).padStart(6, "0")}`;
  }
}
let tsCounter = 1;
