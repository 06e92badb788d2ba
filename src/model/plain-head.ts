/**
 * A listener's head (config-model.ts ListenerRecord.head) read straight from the index's member texts,
 * when every member is in the plain shape Envoy's admin API writes:
 *
 *   "name": "<string>", "address": {"socket_address": {"address": "<string>", "port_value": <int>,
 *   "protocol": "<string>"}}, "bind_to_port": <bool>, "use_original_dst": <bool>,
 *   "traffic_direction": "<string>", "deprecated_v1": {"bind_to_port": <bool>}
 *
 * (any whitespace, members in any order and any subset of them, the address's in the order shown). Such a head is exactly what JSON.parse of each member, the
 * listener's shape check (validate.ts: it passes) and snakeKeys (nothing to rename) would give, without
 * a JSON.parse per member: the sweep by port reads the head of every listener (6,000 on a 20k mesh).
 * Anything else (an escape, a key or a value of another shape, a duplicate key, a number JSON would
 * refuse, a camelCase spelling, additional_addresses) returns undefined, and the caller
 * takes the full path, so the answer never differs.
 */

/** The members the scanner kept, by key: JSON text, or anything else (a byte range) when not kept as text. */
export type MemberTexts = Readonly<Record<string, unknown>>;

// One regular expression per shape: a sweep over thousands of listeners runs once per process, mostly
// before V8 optimises any JS loop, and a regular expression is matched by native code (a hand-written
// character loop measured slower than JSON.parse here).
const WS = '[ \\t\\n\\r]*';
const STR = '"([^"\\\\\\x00-\\x1f]*)"';
/** JSON's integers without a leading zero, small enough to be exact. */
const INT = '(0|[1-9][0-9]{0,8})';
const PLAIN_STRING = new RegExp(`^${WS}${STR}${WS}$`);
const PLAIN_BOOL = new RegExp(`^${WS}(true|false)${WS}$`);
/** Istio ≤ 1.4's `deprecated_v1: {"bind_to_port": false}`. */
const PLAIN_V1 = new RegExp(`^${WS}\\{${WS}"bind_to_port"${WS}:${WS}(true|false)${WS}\\}${WS}$`);
const member = (key: string, value: string) => `${WS}"${key}"${WS}:${WS}${value}${WS}`;
/** `{"socket_address": {"address": …, "port_value": …[, "protocol": …]}}`, in that order (as Envoy writes it). */
const PLAIN_ADDRESS = new RegExp(
  `^${WS}\\{${WS}"socket_address"${WS}:${WS}\\{${member('address', STR)},${member('port_value', INT)}(?:,${member('protocol', STR)})?\\}${WS}\\}${WS}$`,
);

function plainStr(text: string): string | undefined {
  return PLAIN_STRING.exec(text)?.[1];
}

function plainBool(text: string): boolean | undefined {
  const m = PLAIN_BOOL.exec(text);
  return m ? m[1] === 'true' : undefined;
}

/** The object JSON.parse would give for a plain address text. */
function plainAddress(text: string): Record<string, unknown> | undefined {
  const m = PLAIN_ADDRESS.exec(text);
  if (!m) return undefined;
  const sa: Record<string, unknown> = { address: m[1], port_value: Number(m[2]) };
  if (m[3] !== undefined) sa.protocol = m[3];
  return { socket_address: sa };
}

/** Present in any spelling: the full path reads them. */
const NOT_PLAIN = [
  'additional_addresses',
  'additionalAddresses',
  'deprecatedV1',
  'bindToPort',
  'useOriginalDst',
  'trafficDirection',
];

/**
 * The listener's head as the full path would give it (same members, same order: LISTENER_HEAD's), or
 * undefined when any member is not plain.
 */
export function plainListenerHead(fields: MemberTexts): Record<string, unknown> | undefined {
  // undefined: absent; null: present but not text
  const text = (k: string): string | undefined | null => {
    const f = fields[k];
    return f === undefined ? undefined : typeof f === 'string' ? f : null;
  };
  for (const k of NOT_PLAIN) if (text(k) !== undefined) return undefined;
  const out: Record<string, unknown> = {};
  const name = text('name');
  if (name !== undefined) {
    const s = name === null ? undefined : plainStr(name);
    if (s === undefined) return undefined;
    out.name = s;
  }
  const addr = text('address');
  if (addr !== undefined) {
    const a = addr === null ? undefined : plainAddress(addr);
    if (a === undefined) return undefined;
    out.address = a;
  }
  // LISTENER_HEAD's order: name, address, additional_addresses, bind_to_port, deprecated_v1, use_original_dst, traffic_direction
  const bind = text('bind_to_port');
  if (bind !== undefined) {
    const b = bind === null ? undefined : plainBool(bind);
    if (b === undefined) return undefined;
    out.bind_to_port = b;
  }
  const v1 = text('deprecated_v1');
  if (v1 !== undefined) {
    const m = v1 === null ? null : PLAIN_V1.exec(v1);
    if (!m) return undefined;
    out.deprecated_v1 = { bind_to_port: m[1] === 'true' };
  }
  const orig = text('use_original_dst');
  if (orig !== undefined) {
    const b = orig === null ? undefined : plainBool(orig);
    if (b === undefined) return undefined;
    out.use_original_dst = b;
  }
  const td = text('traffic_direction');
  if (td !== undefined) {
    const s = td === null ? undefined : plainStr(td);
    if (s === undefined) return undefined;
    out.traffic_direction = s;
  }
  return out;
}
