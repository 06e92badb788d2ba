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
  /** Assumptions given a key can be withdrawn when a later step finds they do not hold. */
  private readonly keyed = new Map<string, string>();

  assume(s: string | undefined, key?: string): void {
    if (s && !this.assumptions.includes(s)) this.assumptions.push(s);
    if (s && key) this.keyed.set(key, s);
  }
  /** Withdraws the assumption made under `key` (a later step showed it does not hold). */
  retract(key: string): void {
    const s = this.keyed.get(key);
    if (s === undefined) return;
    this.keyed.delete(key);
    const i = this.assumptions.indexOf(s);
    if (i >= 0) this.assumptions.splice(i, 1);
  }
  warn(s: string | undefined): void {
    if (s && !this.warnings.includes(s)) this.warnings.push(s);
  }
}
