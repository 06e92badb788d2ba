/**
 * Redaction for reports that get attached to tickets: a report must never carry a credential, even
 * when the engineer pasted one into `-H` or the target's query string. Everything here is a pure
 * function: it returns the redacted value and what it found (kind + value, so callers can count
 * distinct secrets); the found values never leave the process.
 *
 * What counts as secret:
 * - header values whose name is sensitive (isSensitiveName), given with -H;
 * - query-string values whose parameter name is sensitive, in targets and anywhere in the text;
 * - anything shaped like a credential whatever its name: `Bearer …`, `Basic <base64>`, JWTs, PEM blocks;
 * - header-match values in config (`header x-api-key exact "…"`): a VirtualService that checks an API key holds it;
 * - `inline_string` / `inline_bytes` values of any config fragment (Envoy inlines secrets and bodies there).
 */

export const REDACTED = '[REDACTED]';

export type SecretKind = 'header' | 'query' | 'bearer' | 'jwt' | 'pem' | 'matcher' | 'inline';

export interface Found {
  kind: SecretKind;
  value: string;
}

/** Human names for the report's "what was redacted" line. */
export const KIND_LABEL: Record<SecretKind, [singular: string, plural: string]> = {
  header: ['header value', 'header values'],
  query: ['query-string value', 'query-string values'],
  bearer: ['bearer/basic credential', 'bearer/basic credentials'],
  jwt: ['JWT', 'JWTs'],
  pem: ['PEM block (key or certificate)', 'PEM blocks (keys or certificates)'],
  matcher: ['header-match value from the config', 'header-match values from the config'],
  inline: ['inline_string/inline_bytes value', 'inline_string/inline_bytes values'],
};

const SENSITIVE_EXACT = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);
// Substrings of names that carry credentials: the brief's token/secret/password/key, plus spellings
// seen in the wild (passwd, credential, signature as in X-Amz-Signature, session ids), and `auth`
// (x-auth, x-forwarded-authorization, oauth_…).
const SENSITIVE_PART = /token|secret|password|passwd|key|credential|signature|session|auth/i;
// Short names that are credentials only as a whole word: ?pwd=, ?pass=, x-pass.
const SENSITIVE_WORD = /(?:^|[-_.])(?:pwd|pass)(?:$|[-_.])/i;
// In a query string only: OAuth's ?code=, signed URLs' ?sig=, ?jwt= (a JWT in a header is caught by its shape).
const SENSITIVE_QUERY_WORD = /(?:^|[-_.])(?:code|sig|jwt)(?:$|[-_.])/i;

/** Is a header or query parameter with this name a credential? Case-insensitive. */
export function isSensitiveName(name: string, where: 'header' | 'query' = 'header'): boolean {
  const n = name.trim().toLowerCase();
  return (
    SENSITIVE_EXACT.has(n) ||
    SENSITIVE_PART.test(n) ||
    SENSITIVE_WORD.test(n) ||
    (where === 'query' && SENSITIVE_QUERY_WORD.test(n))
  );
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** `-H 'name: value'` as given → the same line with the value redacted when the name is sensitive. */
export function redactHeader(line: string): { text: string; found: Found[] } {
  const i = line.indexOf(':', line.startsWith(':') ? 1 : 0);
  if (i <= 0) return redactText(line);
  const name = line.slice(0, i).trim();
  const value = line.slice(i + 1).trim();
  if (isSensitiveName(name) && value) return { text: `${name}: ${REDACTED}`, found: [{ kind: 'header', value }] };
  const r = redactText(value);
  return { text: `${name}: ${r.text}`, found: r.found };
}

// name=value pairs after ?, &, ;, # (OAuth puts access_token in the fragment) or whitespace, or at
// the start of the string (a bare query).
const QUERY_PAIR = /(^|[?&;#\s])([^=&?#;\s"'<>]+)=([^&#;\s"'<>]*)/g;

/** Query-string values of sensitive parameters, in a query, a target or any text. */
export function redactQuery(s: string): { text: string; found: Found[] } {
  const found: Found[] = [];
  const text = s.replace(QUERY_PAIR, (all, pre: string, name: string, value: string) => {
    if (!value || value === REDACTED || !isSensitiveName(safeDecode(name), 'query')) return all;
    found.push({ kind: 'query', value });
    return `${pre}${name}=${REDACTED}`;
  });
  return { text, found };
}

const PEM = /-----BEGIN ([A-Z0-9 ]{1,64})-----[\s\S]*?-----END \1-----/g;
// A key cut off before its END line (a truncated field) still goes, to the end of the string.
const PEM_UNTERMINATED = /-----BEGIN [A-Z0-9 ]{0,64}PRIVATE KEY-----[\s\S]*$/;
// Three base64url segments whose first decodes to `{"`: a JWT (JWS compact form) and nothing else.
const JWT = /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
// RFC 6750 token68 after "Bearer"; Basic only with base64 of some length, so prose ("basic auth") survives.
const BEARER = /\b(Bearer)(\s+)([A-Za-z0-9\-._~+/]+=*)/gi;
const BASIC = /\b(Basic)(\s+)([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/gi;
// How explain describes a config header matcher: `header <name> [NOT ]exact|prefix|suffix|contains "<value>"`.
const MATCHER = /\b([A-Za-z0-9!#$%&'*+.^_`|~-]+) (NOT )?(exact|prefix|suffix|contains) "((?:[^"\\]|\\.)*)"/g;
// …and a regex matcher, written unquoted: `header authorization regex ^Bearer .*$` (to the end of the regex).
const MATCHER_REGEX = /\b([A-Za-z0-9!#$%&'*+.^_`|~-]+) (NOT )?regex (\S+)/g;

// …and how diff labels a route's matchers: `header authorization~^Bearer .*$`, `query token=abc`
// (name, operator =, ^=, $=, *=, ~, then the value up to the next `, ` part or the ` → ` action).
const MATCH_LABEL = /\b(header|query) (!?)([A-Za-z0-9!#$%&'*+.^_`|~-]+?)(\^=|\$=|\*=|=|~)(.+?)(?=, |$| → |\n)/g;

/** `basic <base64>` in any case is a credential when it decodes to `user:password`; `Basic` as Envoy and curl write it always is. */
function isBasicCredential(scheme: string, token: string): boolean {
  if (scheme === 'Basic') return true;
  const decoded = Buffer.from(token, 'base64').toString('latin1');
  return /^[\x20-\x7e]+:[\x20-\x7e]*$/.test(decoded);
}

/** Credential-shaped text, whatever its name: PEM blocks, JWTs, Bearer/Basic credentials, sensitive query values and header matchers. */
export function redactText(s: string): { text: string; found: Found[] } {
  const found: Found[] = [];
  let text = s;
  if (text.includes('-----BEGIN ')) {
    text = text.replace(PEM, (all) => {
      found.push({ kind: 'pem', value: all });
      return REDACTED;
    });
    text = text.replace(PEM_UNTERMINATED, (all) => {
      found.push({ kind: 'pem', value: all });
      return REDACTED;
    });
  }
  text = text.replace(JWT, (all) => {
    found.push({ kind: 'jwt', value: all });
    return REDACTED;
  });
  text = text.replace(BEARER, (_all, scheme: string, sp: string, token: string) => {
    found.push({ kind: 'bearer', value: token });
    return `${scheme}${sp}${REDACTED}`;
  });
  text = text.replace(BASIC, (all, scheme: string, sp: string, token: string) => {
    if (!isBasicCredential(scheme, token)) return all; // prose: "basic authentication"
    found.push({ kind: 'bearer', value: token });
    return `${scheme}${sp}${REDACTED}`;
  });
  text = text.replace(MATCHER, (all, name: string, not: string | undefined, op: string, value: string) => {
    if (!value || !isSensitiveName(name)) return all;
    found.push({ kind: 'matcher', value });
    return `${name} ${not ?? ''}${op} "${REDACTED}"`;
  });
  text = text.replace(MATCH_LABEL, (all, what: string, not: string, name: string, op: string, value: string) => {
    if (!value || value === REDACTED || !isSensitiveName(name, what === 'query' ? 'query' : 'header')) return all;
    found.push({ kind: 'matcher', value });
    return `${what} ${not}${name}${op}${REDACTED}`;
  });
  text = text.replace(MATCHER_REGEX, (all, name: string, not: string | undefined, value: string) => {
    if (!value || value === REDACTED || !isSensitiveName(name)) return all;
    found.push({ kind: 'matcher', value });
    return `${name} ${not ?? ''}regex ${REDACTED}`;
  });
  const q = redactQuery(text);
  return { text: q.text, found: [...found, ...q.found] };
}

/** The strings to search for once a secret is known: query values also in their decoded form (explain decodes them). */
export function literalsOf(found: readonly Found[]): string[] {
  const out = new Set<string>();
  for (const f of found) {
    out.add(f.value);
    if (f.kind === 'query') out.add(safeDecode(f.value));
  }
  return [...out];
}

/** Literal secrets shorter than this are not searched for in free text: "1" would blank every count. */
export const MIN_LITERAL = 4;

function replaceLiterals(s: string, literals: readonly string[]): string {
  let out = s;
  for (const l of literals) if (l.length >= MIN_LITERAL && out.includes(l)) out = out.split(l).join(REDACTED);
  return out;
}

const INLINE_KEYS = new Set(['inline_string', 'inline_bytes', 'inlineString', 'inlineBytes']);
/** The value fields of a HeaderMatcher / QueryParameterMatcher: a matcher on a credential's name holds the credential. */
const MATCH_KEYS = new Set([
  'exact_match',
  'prefix_match',
  'suffix_match',
  'contains_match',
  'safe_regex_match',
  'regex_match',
  'string_match',
  'value',
  'exactMatch',
  'prefixMatch',
  'suffixMatch',
  'containsMatch',
  'safeRegexMatch',
  'regexMatch',
  'stringMatch',
]);

/** Every string inside a matcher value, replaced: `{exact: "tok"}` → `{exact: "[REDACTED]"}`. */
function blankStrings(v: unknown, found: Found[]): unknown {
  if (typeof v === 'string') {
    if (v) found.push({ kind: 'matcher', value: v });
    return v ? REDACTED : v;
  }
  if (Array.isArray(v)) return v.map((x) => blankStrings(x, found));
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, k === 'ignore_case' || k === 'ignoreCase' ? x : blankStrings(x, found)]),
    );
  return v;
}

/** Is `o` a header or query matcher on a credential's name (`{name: "authorization", exact_match: …}`)? */
export function isSensitiveMatcher(o: Record<string, unknown>): boolean {
  return (
    typeof o.name === 'string' && isSensitiveName(o.name, 'query') && Object.keys(o).some((k) => MATCH_KEYS.has(k))
  );
}

/**
 * Every string in a JSON-like value: credential patterns, plus the known secret `literals` (values
 * already taken out of -H and the query, which may be echoed elsewhere). Values under
 * inline_string/inline_bytes keys are replaced whole. Returns a new value; the input is not changed.
 */
export function redactDeep<T>(value: T, literals: readonly string[] = []): { value: T; found: Found[] } {
  const found: Found[] = [];
  const sorted = [...new Set(literals)].sort((a, b) => b.length - a.length); // longest first: a value containing another
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const r = redactText(replaceLiterals(v, sorted));
      found.push(...r.found);
      return r.text;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      const matcher = isSensitiveMatcher(v as Record<string, unknown>);
      for (const [k, x] of Object.entries(v)) {
        if (matcher && MATCH_KEYS.has(k)) out[k] = blankStrings(x, found);
        else if (INLINE_KEYS.has(k) && x !== null && x !== undefined && x !== '' && x !== REDACTED) {
          found.push({ kind: 'inline', value: typeof x === 'string' ? x : JSON.stringify(x) });
          out[k] = REDACTED;
        } else out[k] = walk(x);
      }
      return out;
    }
    return v;
  };
  return { value: walk(value) as T, found };
}

/** Distinct secrets per kind, for "what was redacted" (counts only, never values). */
export function countFound(found: readonly Found[]): { kind: SecretKind; count: number }[] {
  const byKind = new Map<SecretKind, Set<string>>();
  for (const f of found) {
    let s = byKind.get(f.kind);
    if (!s) byKind.set(f.kind, (s = new Set()));
    s.add(f.value);
  }
  const order = Object.keys(KIND_LABEL) as SecretKind[];
  return order.filter((k) => byKind.has(k)).map((k) => ({ kind: k, count: byKind.get(k)!.size }));
}

/** "2 header values, 1 JWT" */
export function describeCounts(counts: readonly { kind: SecretKind; count: number }[]): string {
  return counts.map((c) => `${c.count} ${KIND_LABEL[c.kind][c.count === 1 ? 0 : 1]}`).join(', ');
}
