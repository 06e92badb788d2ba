/**
 * PCX142: inbound STRICT mTLS on a port, and workloads in the mesh that would call it in plaintext.
 * A STRICT port has only TLS filter chains on virtualInbound (inboundMtls, the
 * same reading explain uses, src/istio/inbound-mtls.ts); a client without a sidecar sends plaintext, the TLS handshake fails
 * and the connection is reset (cross-proxy.ts: "plaintext client → STRICT server = reset").
 * What the dump can tell: the endpoints of its outbound clusters that Istio does not mark
 * tlsMode=istio (EDS metadata), i.e. pods without a sidecar. Who calls this port is not in any dump:
 * the finding lists the candidates and says so; it is a warning only when one shares the proxy's
 * namespace, info otherwise.
 */
import { clusterEndpoints } from '../envoy/cluster-endpoints.js';
import { inboundMtls } from '../istio/inbound-mtls.js';
import { parseClusterName } from '../istio/cluster-name.js';
import { chainsOf, finding, type CheckCtx } from './context.js';
import type { Finding } from './types.js';

/** Istio gateways send mTLS but their pods carry no security.istio.io/tlsMode label, so EDS has no tlsMode for them. */
const GATEWAY = /gateway/i;
const SHOWN = 5;

export function strictMtlsFindings(ctx: CheckCtx): Finding[] {
  const { model } = ctx;
  if (model.proxy.kind !== 'sidecar') return [];
  const vi = model.listeners.find((l) => l.name === 'virtualInbound' && l.serving);
  if (!vi) return [];
  const ports = new Set<number>();
  for (const { chain } of chainsOf(vi)) {
    const dp = chain.filter_chain_match?.destination_port as number | { value?: number } | undefined;
    const n = Number(typeof dp === 'object' ? dp?.value : dp);
    if (n && n !== 15006) ports.add(n);
  }
  const strict = [...ports]
    .filter((p) => {
      const m = inboundMtls(vi.listener, p);
      return m?.mode === 'STRICT' && m.from === 'port';
    })
    .sort((a, b) => a - b);
  if (!strict.length) return [];
  if (!model.sections.has('endpoints')) {
    ctx.skipped.push({
      codes: ['PCX142'],
      why: `EDS was not captured: pcx cannot tell whether workloads without a sidecar would call STRICT port${strict.length === 1 ? '' : 's'} ${strict.join(', ')}`,
    });
    return [];
  }
  const unmeshed = new Map<string, { namespace?: string; address: string }>();
  for (const rec of model.clusters) {
    const p = parseClusterName(rec.name);
    if (p?.direction !== 'outbound' || p.subset || !/\.svc(\.|$)/.test(p.host)) continue;
    for (const e of clusterEndpoints(model, rec, { withTls: false }).endpoints) {
      if (e.tlsMode === 'istio') continue;
      const [name, namespace] = (e.workload ?? '').split(';');
      if (name && GATEWAY.test(name)) continue;
      const key = name ? `${namespace}/${name}` : e.address;
      if (!unmeshed.has(key)) unmeshed.set(key, { namespace: namespace || p.host.split('.')[1], address: e.address });
    }
  }
  if (!unmeshed.size) return [];
  const own = model.proxy.namespace;
  const names = [...unmeshed.keys()].sort(
    (a, b) =>
      Number(unmeshed.get(b)!.namespace === own) - Number(unmeshed.get(a)!.namespace === own) || a.localeCompare(b),
  );
  const sameNs = names.filter((n) => unmeshed.get(n)!.namespace === own);
  const list = names.slice(0, SHOWN).join(', ') + (names.length > SHOWN ? `, … ${names.length - SHOWN} more` : '');
  const portText = `port${strict.length === 1 ? '' : 's'} ${strict.join(', ')}`;
  return [
    finding(
      'PCX142',
      { type: 'listener', name: 'virtualInbound' },
      `inbound ${portText} ${strict.length === 1 ? 'is' : 'are'} STRICT mTLS, and ${names.length} workload${names.length === 1 ? '' : 's'} in the mesh ${names.length === 1 ? 'has' : 'have'} no sidecar (no tlsMode=istio in EDS)${sameNs.length ? `, ${sameNs.length} in this namespace (${own})` : ''}: ${list}. If one of them calls ${strict.length === 1 ? 'this port' : 'these ports'}, it sends plaintext and the connection is reset. pcx cannot see who calls a port: these are the candidates`,
      {
        severity: sameNs.length ? 'warning' : 'info',
        next_step: `inject a sidecar into the callers (kubectl label namespace <ns> istio-injection=enabled, then restart them), or set a PeerAuthentication portLevelMtls PERMISSIVE for ${portText}; check one with pcx explain ${model.origin} --inbound ${strict[0]} --plaintext`,
        details: {
          strict_ports: strict,
          unmeshed: names,
          same_namespace: sameNs,
          assumed: 'workloads named *gateway* are Istio gateways (they send mTLS, without the tlsMode label)',
        },
      },
    ),
  ];
}
