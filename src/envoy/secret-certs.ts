/**
 * The certificates of an SDS secret (envoy-resolution.md §1.2 SecretsConfigDump): the first PEM
 * block of `tls_certificate.certificate_chain` (the workload certificate) or
 * `validation_context.trusted_ca` (the root), inline bytes or string, read with node:crypto.
 */
import { X509Certificate } from 'node:crypto';
import type { SecretRecord } from '../model/config-model.js';
import type { Json } from '../model/envoy-types.js';
import { field } from '../model/build-model.js';

export interface SecretCert {
  /** `chain`: the proxy's own certificate; `root`: a trust anchor it validates peers with. */
  role: 'chain' | 'root';
  notBefore: Date;
  notAfter: Date;
  subject: string;
  /** spiffe://<trust domain>/… in the SAN, when there is one. */
  spiffeTrustDomain?: string;
  serial: string;
}

function inlineText(src: Json): string {
  if (!src || typeof src !== 'object') return '';
  const bytes = field(src, 'inline_bytes');
  if (typeof bytes === 'string' && bytes) return Buffer.from(bytes, 'base64').toString('latin1');
  const str = field(src, 'inline_string');
  return typeof str === 'string' ? str : '';
}

function firstCert(pem: string): X509Certificate | undefined {
  const block = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(pem);
  if (!block) return undefined;
  try {
    return new X509Certificate(block[0]);
  } catch {
    return undefined;
  }
}

export function secretCerts(s: SecretRecord): SecretCert[] {
  const out: SecretCert[] = [];
  const secret = s.secret ?? {};
  const add = (role: SecretCert['role'], pem: string) => {
    const c = firstCert(pem);
    if (!c) return;
    const td = /URI:spiffe:\/\/([^/,\s]+)/.exec(c.subjectAltName ?? '');
    out.push({ role, notBefore: new Date(c.validFrom), notAfter: new Date(c.validTo), subject: (c.subject ?? '').replace(/\n/g, ', '), serial: c.serialNumber.toLowerCase(), ...(td ? { spiffeTrustDomain: td[1] } : {}) });
  };
  add('chain', inlineText(field(field(secret, 'tls_certificate'), 'certificate_chain')));
  const vc = field(secret, 'validation_context');
  add('root', inlineText(field(vc, 'trusted_ca')));
  const spiffe = field(field(field(vc, 'custom_validator_config'), 'typed_config'), 'trust_domains');
  if (Array.isArray(spiffe)) for (const td of spiffe) add('root', inlineText(field(td, 'trust_bundle')));
  return out;
}
