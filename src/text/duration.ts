/**
 * Durations: read protobuf Durations from a dump and say them in words, one way everywhere.
 */
import type { Json } from '../model/envoy-types.js';

/**
 * A google.protobuf.Duration as milliseconds: the JSON mapping `"7s"` / `"0.500s"`, or the
 * `{ seconds, nanos }` object form; undefined when it is neither.
 */
export function durationMs(d: Json): number | undefined {
  if (typeof d === 'string') {
    const m = /^(-?\d+(?:\.\d+)?)s$/.exec(d.trim());
    return m ? Math.round(Number(m[1]) * 1000) : undefined;
  }
  if (d && typeof d === 'object' && (d.seconds !== undefined || d.nanos !== undefined))
    return Number(d.seconds ?? 0) * 1000 + Math.round(Number(d.nanos ?? 0) / 1e6);
  return undefined;
}

/** 7000 → "7 s", 500 → "500 ms", 90000 → "90 s", 180000 → "3 min", 3600000 → "1 h" */
export function formatMs(ms: number): string {
  if (ms === 0) return '0 s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0 && ms >= 120_000) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  if (ms > 1000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  return `${ms} ms`;
}

/** A dump's Duration in words (`"0.250s"` → `250 ms`), or `dflt` when it is unset; the raw text when it does not parse. */
export function durationText(d: Json, dflt?: string): string {
  const ms = durationMs(d ?? dflt);
  return ms === undefined ? String(d ?? dflt) : formatMs(ms);
}

const DAY = 86_400_000;

/** A long span, coarse: `12 days`, `5 hours`, `3 minutes` (certificate lifetimes; never below 1 minute). */
export function formatAge(ms: number): string {
  const a = Math.abs(ms);
  if (a >= 2 * DAY) return `${Math.round(a / DAY)} days`;
  if (a >= 2 * 3_600_000) return `${Math.round(a / 3_600_000)} hours`;
  const min = Math.max(1, Math.round(a / 60_000));
  return `${min} minute${min === 1 ? '' : 's'}`;
}
