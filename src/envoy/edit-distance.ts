/** Edit distance between names, for "did you mean" and why-not (near domains, near service names). */

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions: "reveiws" → "reviews" is 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  if (!m || !n) return m || n;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => [i, ...new Array<number>(n).fill(0)]);
  for (let j = 1; j <= n; j++) d[0][j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n];
}

/** Two names are "near" when they differ by at most a third of the longer one's length (at least 1, at most 3). */
export function isNear(a: string, b: string): boolean {
  const limit = Math.min(3, Math.max(1, Math.floor(Math.max(a.length, b.length) / 3)));
  return editDistance(a, b) <= limit;
}
