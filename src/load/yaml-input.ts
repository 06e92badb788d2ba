/**
 * YAML dumps, detected by content: `istioctl proxy-config <type> -o yaml` (sigs.k8s.io/yaml's
 * JSONToYAML of the JSON it would print), `pcx all -o yaml`, egctl's default YAML. A YAML input is
 * parsed whole into the same plain value JSON.parse gives, and from there on is read exactly as JSON.
 *
 * Text whose first character (past a BOM and blanks) is `{`, `[` or a digit stays with the JSON parser
 * (parse-json.ts: JSON, and the HTTP status line `pilot-agent request` writes first), and so does text
 * that does not start as YAML does (YAML_START). JSON is YAML too, but JSON.parse is many times
 * faster, so JSON never comes here.
 *
 * Hooks: dump-index.ts (the loader) hands a document that does not start with { or [ to isYamlText()
 * and parses it whole with parseYamlDump(); clusters-text.ts (--clusters) reads YAML too.
 */
import { createRequire } from 'node:module';
import type YAMLModule from 'yaml';
import { InputError } from '../errors.js';
import { parseJsonText } from './parse-json.js';

/** yaml (≈260 KB) is read on the first YAML input, not at every start-up (issue 13): most dumps are JSON. */
let yaml: typeof YAMLModule | undefined;
const loadYaml = (): typeof YAMLModule => (yaml ??= createRequire(import.meta.url)('yaml') as typeof YAMLModule);

/** Anchors a YAML dump may expand: far more than any real one has, few enough to stop a "billion laughs". */
const MAX_ALIAS_COUNT = 1000;

/**
 * How a YAML dump's first line (past comments) starts: a document marker, a list item, or a mapping
 * key followed by `:` (quoted, as `'@type':`, or plain without spaces, as every key of a dump is). Text that starts otherwise (a script, HTML,
 * a bare word) is not YAML a tool wrote: parse-json.ts words what it is.
 */
const YAML_START =
  /^(?:---|%YAML|-(?:[ \t]|$)|(?:'[^'\n]*'|"[^"\n]*"|[^\s#'"{}[\],&*!|>%@`/:][^\s:#]*)[ \t]*:(?:[ \t]|$))/;

/** Whether the text is for the YAML parser (see the file comment). */
export function isYamlText(text: string): boolean {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // blanks and whole-line comments
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text[i] !== '#') break;
    while (i < text.length && text[i] !== '\n') i++;
  }
  // empty, or JSON (a status line first, too); a JSON string is not `"…": …`, which YAML_START wants
  if (i >= text.length || /[[{0-9]/.test(text[i])) return false;
  return YAML_START.test(text.slice(i, i + 4096).split('\n', 1)[0]);
}

/** V8's string limit: YAML is parsed from one string, so a YAML input can be at most this long. */
const MAX_YAML_BYTES = 536_870_888;

/**
 * For inputs too big for the text path (load-document.ts): whether the bytes are YAML, which is then
 * read as text all the same (the Buffer parser reads JSON only). Past V8's string limit no YAML can
 * be read: one line saying to save it as JSON, which pcx reads at any size.
 */
export function isYamlBuffer(buf: Buffer, origin: string): boolean {
  if (!isYamlText(buf.toString('utf8', 0, Math.min(buf.length, 4096)))) return false;
  if (buf.length > MAX_YAML_BYTES) {
    throw new InputError(
      `${origin}: a ${Math.round(buf.length / 1e6)} MB YAML dump is more than pcx can read as YAML (at most ${Math.floor(MAX_YAML_BYTES / 1e6)} MB, one string)`,
      {
        hint: 'save it as JSON (`istioctl proxy-config all <pod> -o json`), which pcx reads at any size',
      },
    );
  }
  return true;
}

/** A dump's text → document: YAML when it is YAML, else parse-json.ts's JSON parser. */
export function parseDumpText(text: string, origin: string): unknown {
  return isYamlText(text) ? parseYamlDump(text, origin) : parseJsonText(text, origin);
}

export function parseYamlDump(text: string, origin: string): unknown {
  // uniqueKeys off: JSON.parse keeps the last of repeated keys, and so does this
  const docs = loadYaml().parseAllDocuments(text, { uniqueKeys: false, prettyErrors: true });
  const all = Array.isArray(docs) ? docs : [];
  const bad = all.find((d) => d.errors.length > 0);
  if (bad) {
    const e = bad.errors[0];
    const line = e.linePos?.[0]?.line;
    const what = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    if (/call stack/i.test(what)) {
      throw new InputError(
        `${origin}: YAML nested too deeply to read${line ? ` (at line ${line})` : ''}; expected an Envoy config dump`,
        {
          hint: 'a config dump is a few dozen levels deep: this file is not one, or is damaged',
        },
      );
    }
    throw new InputError(
      `${origin}: invalid YAML${line ? ` (line ${line})` : ''}: ${what}; expected an Envoy config dump`,
      {
        hint: 'save it again with `istioctl proxy-config all <pod> -o yaml` (or -o json)',
      },
    );
  }
  const present = all.filter((d) => d.contents !== null);
  if (present.length > 1) {
    throw new InputError(
      `${origin}: ${present.length} YAML documents (separated by ---); expected one Envoy config dump`,
      {
        hint: 'give each dump its own file',
      },
    );
  }
  let value: unknown;
  try {
    value = present[0]?.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    throw new InputError(
      `${origin}: YAML that cannot be read as data (${(e as Error).message.split('\n')[0]}); expected an Envoy config dump`,
    );
  }
  // a bare value or nothing: parse-json.ts has the words for that (empty file, not a dump)
  if (value === null || value === undefined || typeof value !== 'object')
    return parseJsonText(present.length ? text : '', origin);
  const k = value as { apiVersion?: unknown; kind?: unknown };
  if (!Array.isArray(value) && typeof k.apiVersion === 'string' && typeof k.kind === 'string') {
    throw new InputError(`${origin}: a Kubernetes ${k.kind} (apiVersion ${k.apiVersion}), not an Envoy config dump`, {
      hint: 'pass what the proxy holds: `istioctl proxy-config all <pod> -o yaml` (or -o json)',
    });
  }
  return value;
}
