/**
 * Do two proxies share a root of trust? Istio delivers the mesh's root certificates to every proxy as the SDS
 * secret named `ROOTCA` (validation_context.trusted_ca). istioctl's `proxy-config rootca-compare` parses the PEM
 * bundle of each and reports a match when any certificate of one is equal (x509 Equal: the same DER bytes) to any of
 * the other (istioctl/pkg/proxyconfig/proxyconfig.go, checkRootCACertMatchExist). Same rule here.
 */
import type { X509Certificate } from 'node:crypto';
import type { ConfigModel } from '../model/config-model.js';
import { dataSourceText, pemCertificates } from '../envoy/certificates.js';

export interface RootCa {
  /** SHA-256 fingerprints of the ROOTCA bundle's certificates, in bundle order. */
  fingerprints: string[];
  subjects: string[];
  certs: X509Certificate[];
}

/** The proxy's ROOTCA bundle, or why it cannot be read (no secrets section, no ROOTCA secret, not inline, unparsable). */
export function rootCaOf(model: ConfigModel): RootCa | { missing: string } {
  if (!model.sections.has('secrets')) return { missing: 'the dump has no secrets (SecretsConfigDump)' };
  const rec =
    model.secrets.find((s) => s.name === 'ROOTCA' && s.state === 'active') ??
    model.secrets.find((s) => s.name === 'ROOTCA');
  if (!rec) return { missing: 'the dump has no ROOTCA secret (not an Istio proxy, or SDS has not delivered it yet)' };
  const ca = dataSourceText(rec.secret.validation_context?.trusted_ca);
  if (!ca.text)
    return {
      missing: ca.source
        ? `its ROOTCA is read from ${ca.source}, which the dump does not hold`
        : 'its ROOTCA secret holds no trusted_ca',
    };
  const certs = pemCertificates(ca.text).filter((c): c is X509Certificate => !!c);
  if (!certs.length) return { missing: 'its ROOTCA secret holds no certificate pcx can parse' };
  return {
    certs,
    fingerprints: certs.map((c) => c.fingerprint256),
    subjects: certs.map((c) => c.subject.replace(/\n/g, ', ')),
  };
}

/** The fingerprint of a certificate both bundles hold, or undefined when they share none. */
export function sharedRoot(a: RootCa, b: RootCa): string | undefined {
  for (const x of a.certs) for (const y of b.certs) if (x.raw.equals(y.raw)) return x.fingerprint256;
  return undefined;
}
