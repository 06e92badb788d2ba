/**
 * PCX150–PCX152: certificates from the SecretsConfigDump (envoy/secret-certs.ts), judged at capture
 * time: the newest last_updated in the dump (a dump read a year later is not "expired" for that
 * reason alone), or now when the dump has no timestamps. Short-lived workload certificates (Istio's
 * default is 24 h, rotated at half-life) only count as expiring once a quarter of their life is left.
 */
import type { ConfigModel } from '../model/config-model.js';
import type { Json } from '../model/envoy-types.js';
import { secretCerts, type SecretCert } from '../envoy/secret-certs.js';
import { finding, type CheckCtx } from './context.js';
import type { Finding } from './types.js';
import { formatAge } from '../text/duration.js';

const DAY = 86_400_000;
const SOON = 7 * DAY;

/** The newest last_updated of any listener or secret: about when the dump was taken. */
export function captureTime(model: ConfigModel): { at: Date; from: string } {
  let best = 0;
  for (const l of model.listeners) {
    const t = Date.parse(l.extra.lastUpdated ?? '');
    if (t > best) best = t;
  }
  for (const s of model.secrets) {
    const t = Date.parse(s.lastUpdated ?? '');
    if (t > best) best = t;
  }
  return best
    ? { at: new Date(best), from: 'the newest last_updated in the dump' }
    : { at: new Date(), from: 'now (the dump has no timestamps)' };
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** SPIFFE trust domains the clusters expect of their peers (match_subject_alt_names). */
function expectedTrustDomains(model: ConfigModel): Map<string, number> {
  const tds = new Map<string, number>();
  const walk = (v: Json, depth: number): void => {
    if (depth > 12 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string') {
        if ((k === 'exact' || k === 'prefix') && x.startsWith('spiffe://')) {
          const td = x.slice(9).split('/')[0];
          tds.set(td, (tds.get(td) ?? 0) + 1);
        }
      } else walk(x, depth + 1);
    }
  };
  for (const c of model.clusters) {
    if (!c.serving) continue;
    const cl = c.cluster;
    if (cl.transport_socket) walk(cl.transport_socket, 0);
    if (cl.transport_socket_matches) walk(cl.transport_socket_matches, 0);
  }
  return tds;
}

export function certificateFindings(ctx: CheckCtx): Finding[] {
  const { model } = ctx;
  if (!model.sections.has('secrets')) return [];
  const out: Finding[] = [];
  const now = captureTime(model);
  let own: SecretCert | undefined;
  for (const s of model.secrets) {
    if (s.state === 'warming') continue;
    for (const c of secretCerts(s)) {
      if (c.role === 'chain' && !own) own = c;
      const left = c.notAfter.getTime() - now.at.getTime();
      const life = c.notAfter.getTime() - c.notBefore.getTime();
      const what = c.role === 'chain' ? 'certificate' : 'root certificate';
      const res = { type: 'secret' as const, name: s.name || '(unnamed)' };
      const details = {
        not_before: iso(c.notBefore),
        not_after: iso(c.notAfter),
        serial: c.serial,
        subject: c.subject,
        judged_at: iso(now.at),
        judged_at_from: now.from,
        ...(c.spiffeTrustDomain ? { trust_domain: c.spiffeTrustDomain } : {}),
      };
      if (left <= 0) {
        out.push(
          finding(
            'PCX150',
            res,
            `the ${what} of secret ${s.name} expired ${formatAge(left)} before capture (NOT AFTER ${iso(c.notAfter)}; judged at ${iso(now.at)}, ${now.from}): TLS with it fails`,
            {
              next_step:
                c.role === 'chain' && s.name === 'default'
                  ? 'istio-agent should have rotated it: check its logs (kubectl logs <pod> -c istio-proxy | grep -i cert) and its connection to istiod/the CA'
                  : `renew the certificate behind secret ${s.name} (kubectl get secret, cert-manager Certificate status)`,
              details,
            },
          ),
        );
      } else if (left < Math.min(SOON, life / 4)) {
        out.push(
          finding(
            'PCX151',
            res,
            `the ${what} of secret ${s.name} expires in ${formatAge(left)} after capture (NOT AFTER ${iso(c.notAfter)}, a ${formatAge(life)} certificate)`,
            {
              next_step:
                c.role === 'chain' && life <= SOON
                  ? "a short-lived workload certificate this close to expiry was not rotated: check istio-agent's logs and its connection to the CA"
                  : `renew the certificate behind secret ${s.name} before ${iso(c.notAfter)}`,
              details,
            },
          ),
        );
      }
    }
  }
  const td = own?.spiffeTrustDomain;
  if (td) {
    const expected = expectedTrustDomains(model);
    if (expected.size && !expected.has(td)) {
      const others = [...expected.keys()].sort();
      out.push(
        finding(
          'PCX152',
          {
            type: 'secret',
            name:
              model.secrets.find((s) => s.state !== 'warming' && secretCerts(s).some((c) => c.role === 'chain'))
                ?.name ?? 'default',
          },
          `the proxy's certificate is for trust domain ${td}, but its clusters expect peers in ${others.join(', ')} and none in ${td}: those peers reject its identity unless trust-domain aliases are set`,
          {
            next_step: `check meshConfig.trustDomain and trustDomainAliases on both sides (istioctl proxy-config secret shows each proxy's trust domain)`,
            details: { trust_domain: td, expected_trust_domains: others },
          },
        ),
      );
    }
  }
  return out;
}
