/** Accumulates the hops, assumptions and warnings of one explanation, without duplicates. */
import type { Hop } from './result.js';

export class Trace {
  readonly hops: Hop[] = [];
  readonly assumptions: string[] = [];
  readonly warnings: string[] = [];

  hop(h: Hop): void {
    this.hops.push(h);
  }
  assume(s: string | undefined): void {
    if (s && !this.assumptions.includes(s)) this.assumptions.push(s);
  }
  warn(s: string | undefined): void {
    if (s && !this.warnings.includes(s)) this.warnings.push(s);
  }
}
