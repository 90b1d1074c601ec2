// A count per day built from intervals ("this ticket counts from day a to day b"): a difference array
// turned into running totals once, then read in O(1) per day.
export class DayCounter {
  private readonly diff: Float64Array;
  private totals: Float64Array | null = null;

  /** Days are indexes 0..length-1 of the timeline. */
  constructor(private readonly length: number) {
    this.diff = new Float64Array(length + 1);
  }

  /** Adds `amount` on every day from `from` to `to` inclusive (clipped to the timeline). */
  add(from: number, to: number, amount = 1): void {
    const a = Math.max(0, from);
    const b = Math.min(this.length - 1, to);
    if (a > b) return;
    this.diff[a] += amount;
    this.diff[b + 1] -= amount;
  }

  at(day: number): number {
    if (!this.totals) {
      this.totals = new Float64Array(this.length);
      let run = 0;
      for (let i = 0; i < this.length; i++) {
        run += this.diff[i];
        this.totals[i] = run;
      }
    }
    return day < 0 || day >= this.length ? 0 : this.totals[day];
  }
}
