/**
 * `pcx ztunnel certificates`: istioctl `ztunnel-config certificate` (certificates.go): CERTIFICATE
 * NAME, TYPE, STATUS, VALID CERT, SERIAL NUMBER, NOT AFTER, NOT BEFORE; padding 5; in the dump's
 * order. One row per certificate of the chain (Leaf, Intermediate…, and Root for the last one when
 * the dump has no separate `rootCerts`), then one per root; `NA` row for an identity without a
 * chain. STATUS `Unavailable: <why>` prints as `Unavailable`. SERIAL NUMBER is the decimal serial
 * printed in hex (`%x` of a big.Int, `<nil>` when it is not a number). VALID CERT: now is between
 * validFrom and expirationTime (RFC 3339).
 */
import type { ZCert, ZtunnelModel } from '../ztunnel/model.js';
import { PAD5, type Table } from './types.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** istioctl's `certNotExpired`. */
export function certValid(c: ZCert, now: Date): boolean {
  if (!c.expirationTime && !c.validFrom) return false;
  if (!RFC3339.test(c.expirationTime) || !RFC3339.test(c.validFrom)) return false;
  const t = now.getTime();
  return t > Date.parse(c.validFrom) && t < Date.parse(c.expirationTime);
}

function hexSerial(s: string): string {
  if (!/^[+-]?\d+$/.test(s)) return '<nil>';
  const n = BigInt(s);
  return n < 0n ? '-' + (-n).toString(16) : n.toString(16);
}

const na = (v: string) => v || 'NA';

export function ztunnelCertificateTable(m: ZtunnelModel, opts: { now?: Date } = {}): Table {
  const now = opts.now ?? new Date();
  const rows: string[][] = [];
  for (const s of m.certificates) {
    const state = s.state.includes('Unavailable') ? 'Unavailable' : s.state;
    if (s.certChain.length === 0) {
      rows.push([s.identity, 'NA', state, 'false', 'NA', 'NA', 'NA']);
      continue;
    }
    const legacy = s.rootCerts.length === 0;
    s.certChain.forEach((c, i) => {
      const type = i === 0 ? 'Leaf' : i === s.certChain.length - 1 && legacy ? 'Root' : 'Intermediate';
      rows.push([
        s.identity,
        type,
        state,
        String(certValid(c, now)),
        hexSerial(c.serialNumber),
        na(c.expirationTime),
        na(c.validFrom),
      ]);
    });
    for (const c of s.rootCerts)
      rows.push([
        s.identity,
        'Root',
        state,
        String(certValid(c, now)),
        hexSerial(c.serialNumber),
        na(c.expirationTime),
        na(c.validFrom),
      ]);
  }
  return {
    columns: ['CERTIFICATE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE'],
    rows,
    layout: PAD5,
    resources: m.certificates.map((c) => c.raw),
    missing: m.sections.has('certificates') ? undefined : 'certificates',
  };
}
