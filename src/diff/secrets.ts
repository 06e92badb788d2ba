/**
 * What pcx compares of a secret: its kind and the validity of the certificates it carries, never
 * the bytes. Envoy redacts private keys in dumps (envoy-resolution.md §1.1), but certificate and
 * CA bytes are printed in full; pcx reads their dates and identities and prints nothing else.
 */
import { dataSourceText, pemCertificates } from '../envoy/certificates.js';
import type { Json } from '../model/envoy-types.js';
import type { SecretRecord } from '../model/config-model.js';

export interface CertInfo {
  subject?: string;
  /** URI / DNS SANs: the workload identity (`spiffe://cluster.local/ns/default/sa/bookinfo`). */
  san?: string;
  not_before: string;
  not_after: string;
}

export interface SecretView {
  state: string;
  kind: string[];
  certificates?: CertInfo[];
  trusted_ca?: CertInfo[];
  /** Where the bytes come from when they are not inline (a file path, an SDS name). */
  source?: string;
  private_key?: 'present';
}

function iso(d: string): string {
  const t = new Date(d);
  return Number.isNaN(t.getTime()) ? d : t.toISOString().replace('.000Z', 'Z');
}

function certs(text: string | undefined): CertInfo[] | undefined {
  if (!text) return undefined;
  const out: CertInfo[] = pemCertificates(text).map((c) =>
    c
      ? {
          ...(c.subject ? { subject: c.subject.replace(/\n/g, ', ') } : {}),
          ...(c.subjectAltName ? { san: c.subjectAltName } : {}),
          not_before: iso(c.validFrom),
          not_after: iso(c.validTo),
        }
      : { not_before: '?', not_after: '?' },
  );
  return out.length ? out : undefined;
}

export function secretView(rec: SecretRecord): SecretView {
  const s: Json = rec.secret;
  const v: SecretView = { state: rec.state === 'static' ? 'static' : rec.state, kind: [] };
  const tc = s.tls_certificate;
  if (tc) {
    v.kind.push('tls_certificate');
    const chain = dataSourceText(tc.certificate_chain);
    const cs = certs(chain.text);
    if (cs) v.certificates = cs;
    if (chain.source) v.source = chain.source;
    if (tc.private_key) v.private_key = 'present';
  }
  const vc = s.validation_context;
  if (vc) {
    v.kind.push('validation_context');
    const ca = dataSourceText(vc.trusted_ca);
    const cs = certs(ca.text);
    if (cs) v.trusted_ca = cs;
    if (ca.source) v.source = ca.source;
  }
  if (s.generic_secret) v.kind.push('generic_secret');
  if (s.session_ticket_keys) v.kind.push('session_ticket_keys');
  if (s.validation_context_sds_secret_config || s.sds_config) v.kind.push('sds reference');
  return v;
}

/** `valid until 2025-02-18T14:49:39Z` for the first certificate, if any. */
export function secretSummary(v: SecretView): string {
  const c = v.certificates?.[0] ?? v.trusted_ca?.[0];
  const kinds = v.kind.join(', ') || 'empty';
  return c ? `${kinds}, valid ${c.not_before} → ${c.not_after}` : kinds;
}
