/**
 * `pcx secrets`: istioctl `proxy-config secret` (writer/compare/sds): RESOURCE NAME, TYPE, STATUS,
 * VALID CERT, SERIAL NUMBER, NOT AFTER, NOT BEFORE, and TRUST DOMAIN when every row has one.
 * Warming secrets first, then active ones; static secrets are not shown. The certificate is read
 * from the first PEM block of `tls_certificate.certificate_chain` or
 * `validation_context.trusted_ca` (inline bytes); a SPIFFE validator gives one row per trust domain.
 */
import type { ConfigModel, SecretRecord } from '../model/config-model.js';
import type { Json } from '../model/envoy-types.js';
import { dataSourceText, pemCertificates } from '../envoy/certificates.js';
import { PAD5, type Table } from './types.js';

export interface SecretOptions {
  /** "Now", for VALID CERT (tests pass a fixed date). */
  now?: Date;
}

interface SecretItem {
  name: string;
  state: string;
  type: string;
  valid: boolean;
  serial: string;
  notAfter: string;
  notBefore: string;
  trustDomain: string;
}

/** Inline bytes (base64 in JSON) or an inline string, as text. */
const inlineText = (src: Json): string => dataSourceText(src).text ?? '';

/** Go's `time.Format(time.RFC3339)` of a UTC time: no fractional seconds. */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function certMeta(
  pem: string,
  now: Date,
): Omit<SecretItem, 'name' | 'state' | 'trustDomain'> & { spiffeTrustDomain: string } {
  const empty = { type: '', valid: false, serial: '', notAfter: '', notBefore: '', spiffeTrustDomain: '' };
  const cert = pemCertificates(pem)[0];
  if (!cert) return empty;
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  const td = /URI:spiffe:\/\/([^/,\s]+)/.exec(cert.subjectAltName ?? '');
  return {
    type: cert.ca ? 'CA' : 'Cert Chain',
    valid: now > notBefore && now < notAfter,
    serial: cert.serialNumber.toLowerCase(),
    notAfter: rfc3339(notAfter),
    notBefore: rfc3339(notBefore),
    spiffeTrustDomain: td ? td[1] : '',
  };
}

function itemsOf(s: SecretRecord, now: Date): SecretItem[] {
  const state = s.state === 'warming' ? 'WARMING' : s.versionInfo === 'uninitialized' ? 'UNINITIALIZED' : 'ACTIVE';
  const secret = s.secret;
  const chain = inlineText(secret.tls_certificate?.certificate_chain);
  const vc = secret.validation_context;
  const ca = inlineText(vc?.trusted_ca);
  const spiffe = vc?.custom_validator_config?.typed_config?.trust_domains;
  if (!chain && !ca && Array.isArray(spiffe) && spiffe.length > 0) {
    // SPIFFE validator (e.g. SPIRE federation): one root per trust domain
    return spiffe.map((td: Json) => {
      const m = certMeta(inlineText(td?.trust_bundle), now);
      return {
        name: s.name,
        state,
        type: m.type,
        valid: m.valid,
        serial: m.serial,
        notAfter: m.notAfter,
        notBefore: m.notBefore,
        trustDomain: td?.name ?? '',
      };
    });
  }
  const m = certMeta(chain || ca, now);
  return [
    {
      name: s.name,
      state,
      type: m.type,
      valid: m.valid,
      serial: m.serial,
      notAfter: m.notAfter,
      notBefore: m.notBefore,
      trustDomain: chain ? m.spiffeTrustDomain : '',
    },
  ];
}

export function secretTable(model: ConfigModel, opts: SecretOptions & { withName?: boolean } = {}): Table {
  const now = opts.now ?? new Date();
  const columns = ['RESOURCE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE'];
  const table: Table = { columns, rows: [], layout: PAD5, resources: [] };
  if (!model.sections.has('secrets')) {
    table.missing = 'secrets (SecretsConfigDump)';
    return table;
  }
  const dynamic = [
    ...model.secrets.filter((s) => s.state === 'warming'),
    ...model.secrets.filter((s) => s.state === 'active'),
  ];
  table.resources = secretsDump(model.secrets);
  if (dynamic.length === 0) {
    table.emptyMessage = 'No active or warming secrets found.';
    return table;
  }
  const items = dynamic.flatMap((s) => itemsOf(s, now));
  const withTrustDomain = items.every((i) => i.trustDomain);
  if (withTrustDomain) columns.push('TRUST DOMAIN');
  for (const i of items) {
    const row = [
      opts.withName ? `secret/${i.name}` : i.name,
      i.type,
      i.state,
      String(i.valid),
      i.serial,
      i.notAfter,
      i.notBefore,
    ];
    if (withTrustDomain) row.push(i.trustDomain);
    table.rows.push(row);
  }
  return table;
}

/** The SecretsConfigDump as istioctl's `-o json` prints it (one object). */
function secretsDump(secrets: SecretRecord[]): Json[] {
  const entry = (s: SecretRecord) => ({
    name: s.name,
    ...(s.versionInfo !== undefined ? { version_info: s.versionInfo } : {}),
    ...(s.lastUpdated !== undefined ? { last_updated: s.lastUpdated } : {}),
    secret: s.raw,
  });
  const dump: Json = {};
  const stat = secrets.filter((s) => s.state === 'static');
  const active = secrets.filter((s) => s.state === 'active');
  const warming = secrets.filter((s) => s.state === 'warming');
  if (stat.length) dump.static_secrets = stat.map(entry);
  if (active.length) dump.dynamic_active_secrets = active.map(entry);
  if (warming.length) dump.dynamic_warming_secrets = warming.map(entry);
  return [dump];
}
