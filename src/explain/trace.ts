/** Accumulates the hops, assumptions and warnings of one explanation, without duplicates. */
import type { Hop } from './result.js';

export class Trace {
  /**
   * Verdict only (explain --all): hop details that only a reader of one explanation needs
   * (TLS descriptions, endpoint lists, provenance, filter warnings) are not computed.
   */
  constructor(readonly verdictOnly = false) {}

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
