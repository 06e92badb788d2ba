/**
 * Access-log formats pcx can read, and the compiler that turns an Envoy format string
 * (`%REQ(:AUTHORITY)%`, `%START_TIME%`, …) into a line parser.
 *
 * The built-in formats, verbatim:
 * - Envoy's default (docs: configuration/observability/access_log/usage, "Default format string").
 * - Istio's default TEXT format, `EnvoyTextLogFormat` in istio/istio pilot/pkg/model/telemetry_logging.go
 *   (Istio ≥ 1.9: adds RESPONSE_CODE_DETAILS and CONNECTION_TERMINATION_DETAILS; ≥ 1.2x logs
 *   %UPSTREAM_CLUSTER_RAW% in the same position, which parses the same).
 * - Istio 1.3–1.8's TEXT format (pilot/pkg/networking/core/v1alpha3/listener.go, with the
 *   `"%DYNAMIC_METADATA(istio.mixer:status)%"` field).
 */

export const ENVOY_DEFAULT_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% ' +
  '%BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" ' +
  '"%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"\n';

export const ISTIO_TEXT_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% ' +
  '%RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% ' +
  '%DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" ' +
  '"%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% ' +
  '%DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n';

export const ISTIO_13_TEXT_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% ' +
  '"%DYNAMIC_METADATA(istio.mixer:status)%" "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% ' +
  '%DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" ' +
  '"%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% ' +
  '%DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n';

/** The fields replay reads, under one name whatever the format called them. */
export interface LogFields {
  start_time?: string;
  method?: string;
  path?: string;
  protocol?: string;
  response_code?: string;
  response_flags?: string;
  response_code_details?: string;
  connection_termination_details?: string;
  upstream_transport_failure_reason?: string;
  authority?: string;
  upstream_host?: string;
  upstream_cluster?: string;
  upstream_local_address?: string;
  downstream_local_address?: string;
  downstream_remote_address?: string;
  requested_server_name?: string;
  route_name?: string;
  user_agent?: string;
  /** Other request headers the format logs (%REQ(x-canary)%): they may decide a route. */
  headers: Record<string, string>;
}

type FieldName = Exclude<keyof LogFields, 'headers'>;

/** Which field a command operator fills. REQ(...) headers not named here become request headers. */
function fieldOfOperator(op: string, arg: string | undefined): FieldName | { header: string } | undefined {
  switch (op) {
    case 'START_TIME':
      return 'start_time';
    case 'PROTOCOL':
      return 'protocol';
    case 'RESPONSE_CODE':
      return 'response_code';
    case 'RESPONSE_FLAGS':
    case 'RESPONSE_FLAGS_LONG':
      return 'response_flags';
    case 'RESPONSE_CODE_DETAILS':
      return 'response_code_details';
    case 'CONNECTION_TERMINATION_DETAILS':
      return 'connection_termination_details';
    case 'UPSTREAM_TRANSPORT_FAILURE_REASON':
      return 'upstream_transport_failure_reason';
    case 'UPSTREAM_HOST':
    case 'UPSTREAM_REMOTE_ADDRESS':
      return 'upstream_host';
    case 'UPSTREAM_CLUSTER':
    case 'UPSTREAM_CLUSTER_RAW':
      return 'upstream_cluster';
    case 'UPSTREAM_LOCAL_ADDRESS':
      return 'upstream_local_address';
    case 'DOWNSTREAM_LOCAL_ADDRESS':
      return 'downstream_local_address';
    case 'DOWNSTREAM_REMOTE_ADDRESS':
    case 'DOWNSTREAM_DIRECT_REMOTE_ADDRESS':
      return 'downstream_remote_address';
    case 'REQUESTED_SERVER_NAME':
      return 'requested_server_name';
    case 'ROUTE_NAME':
      return 'route_name';
    case 'METHOD':
      return 'method';
    case 'REQ':
    case 'REQ_WITHOUT_QUERY': {
      // %REQ(X?Y)%: header X, or Y when X is absent; the first decides what the field means
      const names = (arg ?? '').toLowerCase().split('?');
      if (names.some((n) => n === ':path' || n === 'x-envoy-original-path')) return 'path';
      if (names.some((n) => n === ':authority' || n === 'host')) return 'authority';
      if (names[0] === ':method') return 'method';
      if (names[0] === 'user-agent') return 'user_agent';
      if (!names[0] || names[0].startsWith(':') || /^(x-forwarded-for|x-request-id|x-envoy-)/.test(names[0]))
        return undefined;
      return { header: names[0] };
    }
    default:
      return undefined;
  }
}

interface Slot {
  field: FieldName | { header: string } | undefined;
}

export interface CompiledFormat {
  name: string;
  format: string;
  parse(line: string): LogFields | undefined;
  /** Fields this format can hold at all (to tell "not logged" from "logged empty"). */
  logs: Set<FieldName>;
}

const OPERATOR = /%([A-Z][A-Z0-9_]*)(?:\(([^)]*)\))?(?::\d+)?%/g;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** An Envoy format string → a parser. Each operator's value runs up to the next literal character. */
export function compileFormat(format: string, name = 'custom'): CompiledFormat {
  const f = format.replace(/\\n/g, '\n').replace(/\s+$/, '');
  const parts: (string | Slot)[] = [];
  let last = 0;
  for (const m of f.matchAll(OPERATOR)) {
    if (m.index! > last) parts.push(f.slice(last, m.index));
    parts.push({ field: fieldOfOperator(m[1], m[2]) });
    last = m.index! + m[0].length;
  }
  if (last < f.length) parts.push(f.slice(last));
  const slots: Slot[] = [];
  let re = '^';
  parts.forEach((p, i) => {
    if (typeof p === 'string') {
      re += escapeRe(p).replace(/ +/g, ' +');
      return;
    }
    slots.push(p);
    const next = parts[i + 1];
    const stop = typeof next === 'string' ? next[0] : undefined;
    // two operators side by side, or the last one: lazily, up to what follows
    // an authority runs up to the path that follows it (%REQ(:AUTHORITY)%%REQ(:PATH)%)
    re += stop !== undefined ? `([^${escapeRe(stop)}]*)` : p.field === 'authority' ? '([^/\\s]*)' : '(.*?)';
  });
  const rx = new RegExp(re + '\\s*$');
  const logs = new Set<FieldName>(slots.map((s) => s.field).filter((x): x is FieldName => typeof x === 'string'));
  return {
    name,
    format,
    logs,
    parse(line) {
      const m = rx.exec(line);
      if (!m) return undefined;
      const out: LogFields = { headers: {} };
      slots.forEach((s, i) => {
        const v = m[i + 1];
        if (!s.field || v === undefined) return;
        if (typeof s.field === 'string') {
          if (out[s.field] === undefined) out[s.field] = v;
        } else if (v !== '-' && v !== '') out.headers[s.field.header] = v;
      });
      return out;
    },
  };
}

export const BUILTIN_FORMATS: CompiledFormat[] = [
  compileFormat(ISTIO_TEXT_FORMAT, 'Istio default TEXT (Istio ≥ 1.9)'),
  compileFormat(ISTIO_13_TEXT_FORMAT, 'Istio default TEXT (Istio 1.3–1.8)'),
  compileFormat(ENVOY_DEFAULT_FORMAT, 'Envoy default format'),
];

/** JSON keys seen in the wild → our field names (Istio JSON encoding, Envoy Gateway, common json_format choices). */
const JSON_KEYS: Record<string, FieldName> = {
  start_time: 'start_time',
  timestamp: 'start_time',
  method: 'method',
  request_method: 'method',
  path: 'path',
  x_envoy_origin_path: 'path',
  x_envoy_original_path: 'path',
  request_path: 'path',
  uri: 'path',
  protocol: 'protocol',
  response_code: 'response_code',
  status: 'response_code',
  status_code: 'response_code',
  response_flags: 'response_flags',
  flags: 'response_flags',
  response_code_details: 'response_code_details',
  connection_termination_details: 'connection_termination_details',
  upstream_transport_failure_reason: 'upstream_transport_failure_reason',
  authority: 'authority',
  host: 'authority',
  request_authority: 'authority',
  upstream_host: 'upstream_host',
  upstream_cluster: 'upstream_cluster',
  upstream_cluster_raw: 'upstream_cluster',
  upstream_local_address: 'upstream_local_address',
  downstream_local_address: 'downstream_local_address',
  downstream_remote_address: 'downstream_remote_address',
  requested_server_name: 'requested_server_name',
  sni: 'requested_server_name',
  route_name: 'route_name',
  route: 'route_name',
  user_agent: 'user_agent',
};

/** Keys of Istio's default JSON encoding (meshConfig accessLogEncoding: JSON): its telling ones. */
const ISTIO_JSON_MARKERS = [
  'upstream_transport_failure_reason',
  'downstream_local_address',
  'requested_server_name',
  'route_name',
  'upstream_cluster',
];

export function parseJsonLine(obj: Record<string, unknown>): {
  fields: LogFields;
  format: string;
  logs: Set<FieldName>;
} {
  const fields: LogFields = { headers: {} };
  const logs = new Set<FieldName>();
  let envoyGateway = false;
  for (const [k, raw] of Object.entries(obj)) {
    if (k === ':authority' || k === 'x-envoy-origin-path') envoyGateway = true;
    const key = k.replace(/^:/, '').toLowerCase().replace(/-/g, '_');
    const v = raw === null || raw === undefined ? '-' : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    const f = JSON_KEYS[key];
    if (f) {
      logs.add(f);
      if (fields[f] === undefined) fields[f] = v;
    }
  }
  const keys = new Set(Object.keys(obj));
  const format = ISTIO_JSON_MARKERS.every((k) => keys.has(k))
    ? 'Istio default JSON (accessLogEncoding: JSON)'
    : envoyGateway
      ? 'Envoy Gateway JSON'
      : 'JSON (Envoy json_format)';
  return { fields, format, logs };
}
