/**
 * The certificates of an SDS secret (envoy-resolution.md §1.2 SecretsConfigDump): the first PEM
 * block of `tls_certificate.certificate_chain` (the workload certificate) or
 * `validation_context.trusted_ca` (the root), read by envoy/certificates.ts.
 */
import type { SecretRecord } from '../model/config-model.js';
import { dataSourceText, pemCertificates } from './certificates.js';

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

export function secretCerts(s: SecretRecord): SecretCert[] {
  const out: SecretCert[] = [];
  const secret = s.secret;
  const add = (role: SecretCert['role'], ds: unknown) => {
    const c = pemCertificates(dataSourceText(ds).text)[0];
    if (!c) return;
    const td = /URI:spiffe:\/\/([^/,\s]+)/.exec(c.subjectAltName ?? '');
    out.push({
      role,
      notBefore: new Date(c.validFrom),
      notAfter: new Date(c.validTo),
      subject: (c.subject ?? '').replace(/\n/g, ', '),
      serial: c.serialNumber.toLowerCase(),
      ...(td ? { spiffeTrustDomain: td[1] } : {}),
    });
  };
  add('chain', secret.tls_certificate?.certificate_chain);
  const vc = secret.validation_context;
  add('root', vc?.trusted_ca);
  const spiffe = vc?.custom_validator_config?.typed_config?.trust_domains;
  if (Array.isArray(spiffe)) for (const td of spiffe) add('root', td?.trust_bundle);
  return out;
}
