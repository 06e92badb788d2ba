/**
 * `--only CODE,…` and `--ignore CODE[=resource-glob],…`: which findings a user wants to see. Codes
 * are checked against the registry, so a typo is an error rather than a silent no-op.
 */
import { UsageError } from '../errors.js';
import { CODES } from './codes.js';
import type { Finding } from './types.js';

export interface FindingFilter {
  only?: Set<string>;
  ignore: { code: string; glob?: RegExp; text: string }[];
}

function splitList(values: string[] | string | undefined): string[] {
  const arr = values === undefined ? [] : Array.isArray(values) ? values : [values];
  return arr
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

function checkCode(code: string, flag: string): string {
  const c = code.toUpperCase();
  if (!CODES.has(c))
    throw new UsageError(`${flag} ${code}: no such check code`, {
      hint: 'pcx check --explain lists the codes (PCX101 …)',
    });
  return c;
}

/** `*` any run of characters, `?` one; everything else literal; the whole resource name must match. */
export function globToRegExp(glob: string): RegExp {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`);
}

export function parseFilter(only: string[] | string | undefined, ignore: string[] | string | undefined): FindingFilter {
  const o = splitList(only);
  const f: FindingFilter = { ignore: [] };
  if (o.length) f.only = new Set(o.map((c) => checkCode(c, '--only')));
  for (const item of splitList(ignore)) {
    const eq = item.indexOf('=');
    const code = checkCode(eq < 0 ? item : item.slice(0, eq), '--ignore');
    const glob = eq < 0 ? undefined : item.slice(eq + 1);
    if (glob === '')
      throw new UsageError(`--ignore ${item}: give a resource name glob after =, e.g. ${code}=*reviews*`);
    f.ignore.push({ code, glob: glob ? globToRegExp(glob) : undefined, text: item });
  }
  return f;
}

export function keep(f: FindingFilter, x: Finding): boolean {
  if (f.only && !f.only.has(x.code)) return false;
  return !f.ignore.some((i) => i.code === x.code && (!i.glob || i.glob.test(x.resource.name)));
}
