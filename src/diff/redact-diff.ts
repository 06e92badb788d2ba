/**
 * `diff` prints config values, and config holds credentials: inline private keys of transport
 * sockets, Bearer tokens and JWTs in route matchers, API keys in header matchers. By default (as
 * `report` does) they are replaced with [REDACTED] before rendering, JSON included; `--no-redact`
 * keeps them. A changed secret still shows as a change (`[REDACTED] → [REDACTED]`): that it changed
 * is the finding, its value is not. The redaction rules are report/redact.ts's, plus the field paths
 * diff writes (`….private_key.inline_bytes`, `match.headers[authorization].exact_match`).
 */
import { REDACTED, countFound, isSensitiveName, redactDeep, type Found } from '../report/redact.js';
import type { ChainDiff, DiffResult, FieldChange } from './result.js';

// the last field of a path: inline secret material, whatever it sits under
const INLINE_PATH = /(?:^|\.)(?:inline_bytes|inline_string|inlineBytes|inlineString)$/;
// a matcher keyed by a sensitive header or parameter name: `headers[authorization].exact_match`
const KEYED_MATCHER = /(?:headers|query_parameters|queryParameters)\[([^\]]+)\]/g;

function sensitivePath(path: string): boolean {
  if (INLINE_PATH.test(path)) return true;
  for (const m of path.matchAll(KEYED_MATCHER)) if (isSensitiveName(m[1], 'query')) return true;
  return false;
}

function redactField(f: FieldChange, found: Found[]): FieldChange {
  if (!sensitivePath(f.path)) return f;
  const blank = (v: unknown) => {
    if (v === undefined || v === null || v === '') return v;
    found.push({ kind: 'inline', value: typeof v === 'string' ? v : JSON.stringify(v) });
    return REDACTED;
  };
  return { ...f, before: blank(f.before), after: blank(f.after) };
}

/** The diff with credentials replaced; `redacted` counts what was taken out (never the values). */
export function redactDiff<T extends DiffResult | ChainDiff>(r: T): { value: T; redacted: number } {
  const found: Found[] = [];
  const byPath = {
    ...r,
    changes: r.changes.map((c) => ({ ...c, fields: c.fields.map((f) => redactField(f, found)) })),
  } as T;
  const deep = redactDeep(byPath);
  return { value: deep.value, redacted: countFound([...found, ...deep.found]).reduce((n, c) => n + c.count, 0) };
}
