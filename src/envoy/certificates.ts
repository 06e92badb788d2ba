/**
 * The one place certificates are read from a dump: an Envoy DataSource (inline_bytes, base64 in JSON;
 * inline_string; or a file / environment variable, which the dump names but does not hold) and the PEM
 * certificates in it, parsed by node:crypto. Private keys are never read (Envoy redacts them in dumps anyway).
 */
import { X509Certificate } from 'node:crypto';
import type { Json } from '../model/envoy-types.js';

/** A DataSource's text when the dump holds it inline; otherwise where the bytes come from. `ds` is a record's (snake_case). */
export function dataSourceText(ds: Json): { text?: string; source?: string } {
  if (!ds || typeof ds !== 'object') return {};
  const bytes = ds.inline_bytes;
  if (typeof bytes === 'string') return { text: Buffer.from(bytes, 'base64').toString('latin1') };
  const str = ds.inline_string;
  if (typeof str === 'string') return { text: str };
  const file = ds.filename;
  if (typeof file === 'string') return { source: `file ${file}` };
  const env = ds.environment_variable;
  if (typeof env === 'string') return { source: `env ${env}` };
  return {};
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every PEM certificate block in the text, parsed; a block node cannot parse is `undefined` in its place. */
export function pemCertificates(text: string | undefined): (X509Certificate | undefined)[] {
  if (!text) return [];
  return (text.match(PEM_CERT) ?? []).map((pem) => {
    try {
      return new X509Certificate(pem);
    } catch {
      return undefined;
    }
  });
}
