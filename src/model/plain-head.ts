/**
 * A listener's head (config-model.ts ListenerRecord.head) read straight from the index's member texts,
 * when every member is in the plain shape Envoy's admin API writes:
 *
 *   "name": "<string>", "address": {"socket_address": {"address": "<string>", "port_value": <int>,
 *   "protocol": "<string>"}}, "bind_to_port": <bool>, "use_original_dst": <bool>,
 *   "traffic_direction": "<string>", "deprecated_v1": {"bind_to_port": <bool>}
 *
 * (any whitespace, members in any order and any subset of them, the address's in the order shown).
 * Such a head is exactly what JSON.parse of each member, the listener's shape check (validate.ts: it
 * passes) and snakeKeys (nothing to rename) would give, without a JSON.parse per member: the sweep by
 * port reads the head of every listener (6,000 on a 20k mesh). Anything else (an escape, a key or a
 * value of another shape, a duplicate key, a number JSON would refuse, a camelCase spelling,
 * additional_addresses, a member kept as a byte range) returns undefined, and the caller takes the
 * full path, so the answer never differs.
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

/**
 * The listener's head as the full path would give it (same members, same order: LISTENER_HEAD's), or
 * undefined when any member is not plain.
 */
export function plainListenerHead(fields: MemberTexts): Record<string, unknown> | undefined {
  // one pass over the members kept (a few), not a lookup per key asked about
  let name: string | undefined;
  let address: string | undefined;
  let bind: string | undefined;
  let v1: string | undefined;
  let orig: string | undefined;
  let direction: string | undefined;
  for (const k in fields) {
    const t = fields[k];
    switch (k) {
      case 'name':
        name = t as string;
        break;
      case 'address':
        address = t as string;
        break;
      case 'bind_to_port':
        bind = t as string;
        break;
      case 'deprecated_v1':
        v1 = t as string;
        break;
      case 'use_original_dst':
        orig = t as string;
        break;
      case 'traffic_direction':
        direction = t as string;
        break;
      case 'additional_addresses':
      case 'additionalAddresses':
      case 'deprecatedV1':
      case 'bindToPort':
      case 'useOriginalDst':
      case 'trafficDirection':
        return undefined;
      default:
        continue; // not a listener head member (the index keeps other kinds' members too)
    }
    // a head member kept as a byte range, not text: the full path reads it
    if (typeof t !== 'string') return undefined;
  }
  // LISTENER_HEAD's order: name, address, additional_addresses, bind_to_port, deprecated_v1, use_original_dst, traffic_direction
  const out: Record<string, unknown> = {};
  let m: RegExpExecArray | null;
  if (name !== undefined) {
    if (!(m = PLAIN_STRING.exec(name))) return undefined;
    out.name = m[1];
  }
  if (address !== undefined) {
    if (!(m = PLAIN_ADDRESS.exec(address))) return undefined;
    const sa: Record<string, unknown> = { address: m[1], port_value: Number(m[2]) };
    if (m[3] !== undefined) sa.protocol = m[3];
    out.address = { socket_address: sa };
  }
  if (bind !== undefined) {
    if (!(m = PLAIN_BOOL.exec(bind))) return undefined;
    out.bind_to_port = m[1] === 'true';
  }
  if (v1 !== undefined) {
    if (!(m = PLAIN_V1.exec(v1))) return undefined;
    out.deprecated_v1 = { bind_to_port: m[1] === 'true' };
  }
  if (orig !== undefined) {
    if (!(m = PLAIN_BOOL.exec(orig))) return undefined;
    out.use_original_dst = m[1] === 'true';
  }
  if (direction !== undefined) {
    if (!(m = PLAIN_STRING.exec(direction))) return undefined;
    out.traffic_direction = m[1];
  }
  return out;
}
