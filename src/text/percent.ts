/**
 * Percentages in words: the one rule every renderer and analysis uses.
 *
 * A traffic share (a weighted_clusters split, a cluster's part of a route) reads with one decimal,
 * `33.3%`. A configured fraction (a fault's or a mirror's FractionalPercent, resolution one in a
 * million) keeps two, so `0.01%` does not read as `0%`.
 */

/** `n` rounded to `decimals` places (1: shares, 2: configured fractions). */
export function roundPercent(n: number, decimals: 1 | 2 = 1): number {
  const f = decimals === 2 ? 100 : 10;
  return Math.round(n * f) / f;
}

/** `33.3%` (a share), or `0.01%` with `decimals` 2 (a configured fraction). */
export function percentText(n: number, decimals: 1 | 2 = 1): string {
  return `${roundPercent(n, decimals)}%`;
}

/** A weight's share of a total as a percentage (0 when the total is 0), rounded as a share. */
export function sharePercent(weight: number, total: number): number {
  return total ? Math.round((weight * 1000) / total) / 10 : 0;
}
