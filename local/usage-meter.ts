/**
 * Counts what the local stack does on the product's behalf (DynamoDB operations, function
 * invocations and their run time, API requests), so the cost model rests on measured counts.
 */
export class UsageMeter {
  readonly counts: Record<string, number> = {};
  readonly milliseconds: Record<string, number> = {};

  add(what: string, ms?: number): void {
    this.counts[what] = (this.counts[what] ?? 0) + 1;
    if (ms !== undefined) this.milliseconds[what] = (this.milliseconds[what] ?? 0) + ms;
  }

  snapshot(): { counts: Record<string, number>; milliseconds: Record<string, number> } {
    return { counts: { ...this.counts }, milliseconds: { ...this.milliseconds } };
  }
}
