/**
 * One access-log line → its fields, the format found by content (JSON object, Istio's TEXT
 * formats, Envoy's default) or the one the user gave with --log-format.
 */
import { BUILTIN_FORMATS, parseJsonLine, type CompiledFormat, type LogFields } from './log-formats.js';

export interface ParsedLine {
  ok: true;
  fields: LogFields;
  /** "Istio default TEXT (Istio ≥ 1.9)", "Envoy default format", "Istio default JSON …", "custom (--log-format)". */
  format: string;
  /** Fields the format carries (a field it does not carry is "not logged", not "empty"). */
  logs: Set<string>;
}

export interface BadLine {
  ok: false;
  /** Not an access-log line at all (Envoy's or istio-agent's own log): skipped, not malformed. */
  skipped?: boolean;
  reason: string;
}

/** `kubectl logs --timestamps` puts an RFC 3339 time before each line. */
const KUBECTL_TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)\s+(?=[[{])/;
/** istio-agent / Envoy application logs: "2024-05-01T10:00:00.000000Z\tinfo\t…" or "[2024-… ][12][info][…]". */
const APP_LOG =
  /^(\d{4}-\d\d-\d\dT\S+\s+(?:debug|info|warn|warning|error|critical|fatal)\b|\[\d{4}-\d\d-\d\d [\d:.]+\]\[\d+\]\[)/i;

export function parseLine(raw: string, custom?: CompiledFormat): ParsedLine | BadLine {
  const line = raw.replace(/\r$/, '').trim().replace(KUBECTL_TS, '');
  if (!line) return { ok: false, skipped: true, reason: 'empty line' };
  if (custom) {
    const f = custom.parse(line);
    return f
      ? { ok: true, fields: f, format: 'custom (--log-format)', logs: custom.logs }
      : { ok: false, reason: 'does not match the --log-format string' };
  }
  if (line.startsWith('{')) {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      return { ok: false, reason: `starts with { but is not valid JSON (${(e as Error).message.split('\n')[0]})` };
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj))
      return { ok: false, reason: 'a JSON value that is not an object' };
    const j = parseJsonLine(obj as Record<string, unknown>);
    if (!j.logs.has('response_code') && !j.logs.has('authority') && !j.logs.has('downstream_local_address')) {
      return {
        ok: false,
        skipped: true,
        reason: 'a JSON log line without access-log fields (no response_code, authority or downstream_local_address)',
      };
    }
    return { ok: true, ...j };
  }
  if (APP_LOG.test(line))
    return { ok: false, skipped: true, reason: "Envoy's or istio-agent's own log, not an access-log line" };
  for (const f of BUILTIN_FORMATS) {
    const fields = f.parse(line);
    if (fields && /^(\d{1,3}|-)$/.test(fields.response_code ?? ''))
      return { ok: true, fields, format: f.name, logs: f.logs };
  }
  return {
    ok: false,
    reason:
      "matches none of Istio's default TEXT format, Envoy's default format or JSON; pass the proxy's format with --log-format '<Envoy format string>'",
  };
}
