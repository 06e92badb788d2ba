/**
 * Across proxies (issue 16): after the client proxy has chosen a cluster, follow the request into
 * the proxy whose pod IP is the chosen endpoint (node id / INSTANCE_IPS), explain the arriving
 * connection on its inbound side with the transport the client really uses (its cluster's
 * transport_socket_matches: mTLS with the cluster's SNI for `tlsMode=istio` endpoints, plaintext
 * otherwise), and say whether the two sides agree (mesh-concepts.md: mTLS client → STRICT or
 * PERMISSIVE server ✓; plaintext client → STRICT server = reset; no sidecar → plaintext, no
 * server-side policy or telemetry).
 */
import type { ConfigModel } from '../model/config-model.js';
import type { Json } from '../model/envoy-types.js';
import { upstreamTlsFor } from '../envoy/upstream-tls.js';
import { parseClusterName } from '../istio/cluster-name.js';
import { inboundMtls, inboundMtlsMode, sanMatches, type InboundMtls } from '../istio/inbound-mtls.js';
import { explain, type ExplainRequest } from './explain.js';
import { isProblem } from './verdict.js';
import type { DestinationOut, EndpointOut, ExplainResult, Verdict } from './result.js';

export type { DestinationOut } from './result.js';

function nodeMeta(m: ConfigModel): Json {
  return m.bootstrap?.node?.metadata ?? {};
}

/** spiffe://<trust domain>/ns/<ns>/sa/<sa> of a proxy, from its bootstrap; the trust domain from what peers expect. */
export function identityOf(m: ConfigModel, trustDomain: string): string | undefined {
  const md = nodeMeta(m);
  const ns = md.NAMESPACE ?? m.proxy.namespace;
  const sa = md.SERVICE_ACCOUNT;
  return ns && sa ? `spiffe://${trustDomain}/ns/${ns}/sa/${sa}` : undefined;
}

function expectedSans(cluster: Json): string[] {
  const out: string[] = [];
  const walk = (o: Json) => {
    if (!o || typeof o !== 'object') return;
    for (const [k, v] of Object.entries(o)) {
      if ((k === 'match_subject_alt_names' || k === 'match_typed_subject_alt_names') && Array.isArray(v)) {
        for (const x of v) {
          const s = x?.exact ?? x?.matcher?.exact;
          if (s) out.push(s);
        }
      } else walk(v);
    }
  };
  walk(cluster?.transport_socket_matches ?? cluster?.transport_socket);
  return out;
}

const hostOf = (addr: string) => addr.replace(/^\[/, '').replace(/\]?:\d+$/, '');
const portOf = (addr: string) => Number(/:(\d+)$/.exec(addr)?.[1]);

/** Peers that serve `fqdn`: an inbound cluster whose Istio metadata names the service. */
function servingPeers(peers: ConfigModel[], fqdn: string): { model: ConfigModel; ports: number[] }[] {
  const out: { model: ConfigModel; ports: number[] }[] = [];
  for (const p of peers) {
    const ports = p.clusters
      .filter(
        (c) =>
          c.name.startsWith('inbound|') &&
          [c.cluster.metadata?.filter_metadata?.istio?.services ?? []].flat().some((s: Json) => s?.host === fqdn),
      )
      .map((c) => Number(c.name.split('|')[1]))
      .filter((n) => n > 0);
    if (ports.length) out.push({ model: p, ports: [...new Set(ports)] });
  }
  return out;
}

interface Leg {
  endpoint?: string;
  ip?: string;
  port?: number;
  peer?: ConfigModel;
  tlsMode?: string;
  foundBy: DestinationOut['found_by'];
  note?: string;
}

function serverMode(peer: ConfigModel, port: number | undefined, r: ExplainResult): string | undefined {
  const fc = r.hops.find((h) => h.kind === 'filter_chain');
  const vi = peer.listeners.find((l) => l.serving && l.name === 'virtualInbound');
  const own =
    (fc?.details?.mtls_mode as string | undefined) ?? (vi && port ? inboundMtlsMode(vi.listener, port) : undefined);
  if (own) return own;
  // no chain for the port: the catch-all chains carry the namespace or mesh-wide mode (§2.4)
  const all = vi && port ? inboundMtls(vi.listener, port) : undefined;
  return all ? `${all.mode} (from virtualInbound's catch-all chains: no Service declares port ${port})` : undefined;
}

function agreementOf(
  mtls: boolean,
  mode: string | undefined,
  inbound: ExplainResult,
): { agreement: DestinationOut['agreement']; text: string } {
  const m = mode?.split(' ')[0];
  if (mtls) {
    if (m === 'STRICT' || m === 'PERMISSIVE') return { agreement: 'agree', text: `mTLS client → ${m} server ✓` };
    if (m === 'DISABLE')
      return {
        agreement: 'disagree',
        text: 'mTLS client → DISABLE server (plaintext only): the handshake finds no TLS chain ✗',
      };
    return { agreement: 'unknown', text: "mTLS client; the server's mode on this port is not known" };
  }
  if (m === 'STRICT' || inbound.verdict.kind === 'connection_closed')
    return {
      agreement: 'disagree',
      text: `plaintext client → ${m ?? 'the'} server requires mTLS: the connection is reset ✗`,
    };
  if (m === 'PERMISSIVE' || m === 'DISABLE')
    return {
      agreement: 'agree',
      text: `plaintext client → ${m} server ✓ (no client identity: principal-based policies do not match it)`,
    };
  return { agreement: 'unknown', text: "plaintext client; the server's mode on this port is not known" };
}

/**
 * Follows `client` (the client proxy's explanation) into the destination proxy among `peers`.
 * Returns undefined when the client's verdict does not reach a cluster.
 */
export function followAcross(
  client: ExplainResult,
  clientModel: ConfigModel,
  peers: ConfigModel[],
  req: ExplainRequest,
  opts: { endpoint?: string } = {},
): DestinationOut | undefined {
  if (isProblem(client.verdict.kind, client.verdict.http_status) && client.verdict.kind !== 'unknown') return undefined;
  const vc = [...client.verdict.clusters].filter((c) => c.found).sort((a, b) => b.weight - a.weight)[0];
  if (!vc) return undefined;
  const rec = clientModel.cluster(vc.name);
  if (!rec || vc.name.startsWith('inbound|')) return undefined;
  const cluster = rec.cluster;
  const parsed = parseClusterName(vc.name);
  const notes: string[] = [];
  if (client.verdict.clusters.filter((c) => c.found).length > 1)
    notes.push(`the route splits traffic; followed ${vc.name} (${vc.weight}%)`);
  const sans = expectedSans(cluster);
  const td = /^spiffe:\/\/([^/]+)\//.exec(sans[0] ?? '')?.[1] ?? 'cluster.local';
  if (!sans.length)
    notes.push("the trust domain is assumed to be cluster.local (the client's cluster names no SPIFFE ID)");

  const hop = client.hops.find((h) => h.kind === 'endpoints' && h.name === vc.name);
  const eps: EndpointOut[] = (hop?.endpoints ?? []).filter((e) => e.usable);
  const legs: Leg[] = [];
  if (eps.length) {
    let chosen = eps;
    if (opts.endpoint) {
      chosen = eps.filter((e) => hostOf(e.address) === opts.endpoint || e.address === opts.endpoint);
      if (!chosen.length)
        notes.push(
          `--endpoint ${opts.endpoint} is not a healthy endpoint of ${vc.name} (${eps.map((e) => e.address).join(', ')})`,
        );
    }
    for (const e of chosen) {
      const ip = hostOf(e.address);
      legs.push({
        endpoint: e.address,
        ip,
        port: portOf(e.address),
        peer: peers.find((p) => p.proxy.ips.includes(ip)),
        tlsMode: e.tls_mode,
        foundBy: 'endpoint_ip',
      });
    }
  } else if (parsed?.host) {
    const serving = servingPeers(peers, parsed.host);
    for (const s of serving) {
      const port = s.ports.includes(parsed.port ?? -1) ? parsed.port : s.ports[0];
      if (s.ports.length > 1 && !s.ports.includes(parsed.port ?? -1))
        notes.push(`${s.model.proxy.pod} serves ${parsed.host} on ports ${s.ports.join(', ')}: followed port ${port}`);
      const labels = s.model.proxy.labels ?? {};
      legs.push({
        ip: s.model.proxy.ip,
        port,
        peer: s.model,
        tlsMode: labels['security.istio.io/tlsMode'] ?? (s.model.proxy.kind === 'sidecar' ? 'istio' : undefined),
        foundBy: 'service',
        note: `${client.proxy.pod ?? 'the client'}'s dump has no endpoints (EDS) for ${vc.name}, so the destination was found by the service it serves: ${s.model.proxy.pod}.${s.model.proxy.namespace} has an inbound cluster for ${parsed.host}`,
      });
    }
  }
  if (!legs.length) {
    return {
      found_by: 'none',
      cluster: vc.name,
      client_transport: '',
      agreement: 'unknown',
      notes,
      summary:
        eps.length || !parsed?.host
          ? `no proxy in the source has the pod IP of an endpoint of ${vc.name}: the destination's dump is missing`
          : `no proxy in the source serves ${parsed.host} (and the client's dump has no EDS to name the pod)`,
    };
  }
  const results = legs.map((l) => followLeg(l, client, clientModel, cluster, req, td));
  // one line per distinct outcome; the first of each is explained in full
  const groups = new Map<string, { endpoints: string[]; out: DestinationOut }>();
  for (let i = 0; i < results.length; i++) {
    const key = results[i].summary;
    const g = groups.get(key) ?? { endpoints: [], out: results[i] };
    g.endpoints.push(legs[i].endpoint ?? legs[i].ip ?? '?');
    groups.set(key, g);
  }
  const first = [...groups.values()][0].out;
  first.notes.unshift(...notes);
  if (groups.size > 1) {
    first.outcomes = [...groups.values()].map((g) => ({ endpoints: g.endpoints, summary: g.out.summary }));
    first.summary = [...groups.values()]
      .map((g) => `${g.endpoints.length} of ${legs.length} endpoints: ${g.out.summary}`)
      .join('; ');
    first.notes.push('pick one endpoint with --endpoint <ip> to see its server side in full');
  }
  return first;
}

function followLeg(
  l: Leg,
  client: ExplainResult,
  clientModel: ConfigModel,
  cluster: Json,
  req: ExplainRequest,
  td: string,
): DestinationOut {
  const tls = upstreamTlsFor(cluster, l.tlsMode ? { tlsMode: l.tlsMode } : {});
  const mtls = tls.mode === 'mtls';
  const sni = /SNI ([^,)]+)/.exec(tls.text)?.[1];
  const notes: string[] = l.note ? [l.note] : [];
  const base = {
    found_by: l.foundBy,
    cluster: client.verdict.clusters[0]?.name ?? '',
    ...(l.endpoint ? { endpoint: l.endpoint } : {}),
    client_transport: tls.text,
    notes,
  };
  if (!l.peer) {
    if (l.tlsMode === 'istio') {
      return {
        ...base,
        agreement: 'unknown',
        summary: `the endpoint ${l.endpoint} has a sidecar (tlsMode=istio), but its proxy is not in the source: fetch its dump (istioctl bug-report, or pcx explain … --via <that pod>)`,
      };
    }
    return {
      ...base,
      agreement: 'no_sidecar',
      summary: `no sidecar at ${l.endpoint ?? l.ip} (no tlsMode=istio): the client sends plaintext; STRICT mTLS, server-side AuthorizationPolicy and server telemetry do not apply`,
    };
  }
  const peer = l.peer;
  const identity = mtls ? identityOf(clientModel, td) : undefined;
  if (mtls && !identity)
    notes.push("the client proxy's service account is not in its bootstrap: server RBAC on principals is unknown");
  const inbound = explain(peer, {
    target: `${l.ip ?? peer.proxy.ip ?? 'localhost'}:${l.port}${client.target.path}${client.target.query ? `?${client.target.query}` : ''}`,
    inbound: l.port,
    method: client.target.method,
    headers: [
      ...(req.headers ?? []).filter((h) => !/^(host|:authority)\s*:/i.test(h)),
      `host: ${client.target.host_header}`,
    ],
    ...(mtls
      ? { from: identity, fromSource: `the client proxy's identity (${client.proxy.pod ?? client.proxy.source})`, sni }
      : { plaintext: true }),
    ...(clientModel.proxy.ip ? { sourceIp: clientModel.proxy.ip } : {}),
    tcp: req.tcp,
    jwtClaims: req.jwtClaims,
  });
  const mode = serverMode(peer, l.port, inbound);
  const a = agreementOf(mtls, mode, inbound);
  const who = `${peer.proxy.pod ?? peer.origin}${peer.proxy.namespace ? `.${peer.proxy.namespace}` : ''}`;
  // the client checks the server's certificate against the SPIFFE IDs its cluster lists
  const serverId = identityOf(peer, td);
  const sans = expectedSans(cluster);
  const sanMismatch = mtls && serverId && sans.length && !sans.includes(serverId);
  if (sanMismatch) {
    notes.push(
      `the client accepts only ${sans.join(', ')}, and ${who} presents ${serverId}: the TLS handshake fails (upstream connect error, 503 UF)`,
    );
    a.agreement = 'disagree';
    a.text = `mTLS, but the client does not accept ${who}'s identity ${serverId} ✗`;
  }
  // and the server checks the client's certificate against the SANs its inbound chains list (spiffe://<td>/*)
  const srv = inbound.hops.find((h) => h.kind === 'filter_chain')?.details?.inbound_mtls as InboundMtls | undefined;
  if (mtls && identity && srv?.peer_identities.length && !srv.peer_identities.some((p) => sanMatches(p, identity))) {
    notes.push(
      `${who} accepts only peers matching ${srv.peer_identities.join(', ')}, and the client presents ${identity}: the server rejects the handshake (503 UF at the client)`,
    );
    a.agreement = 'disagree';
    a.text = `mTLS, but ${who} does not accept the client's identity ${identity} ✗`;
  }
  return {
    ...base,
    proxy: { pod: peer.proxy.pod, namespace: peer.proxy.namespace, kind: peer.proxy.kind, source: peer.origin },
    ...(identity ? { client_identity: identity } : {}),
    ...(mode ? { server_mode: mode } : {}),
    ...(srv?.peer_identities.length ? { server_accepts: srv.peer_identities } : {}),
    agreement: a.agreement,
    summary: `${who}: ${a.text}; ${inbound.verdict.kind === 'routed' ? `it is ${inbound.verdict.summary}` : `${inbound.verdict.kind.replace(/_/g, ' ')}: ${inbound.verdict.summary}`}`,
    inbound,
  };
}

/** The end-to-end verdict: the server side's, when the request gets there and the server decides. */
export function combinedVerdict(client: Verdict, d: DestinationOut | undefined): Verdict {
  if (!d?.inbound || d.outcomes) return client;
  const s = d.inbound.verdict;
  if (d.agreement === 'disagree' && !isProblem(s.kind, s.http_status)) {
    // the client refuses the server's certificate: Envoy's upstream connect failure
    return {
      ...client,
      kind: 'connection_closed',
      http_status: 503,
      response_flag: 'UF',
      summary: `the client routes it to ${d.cluster}, but ${d.summary}: 503 UF`,
      next_step:
        "check the service account the destination runs as against the DestinationRule / the service's expected identities (subjectAltNames)",
    };
  }
  if (!isProblem(s.kind, s.http_status))
    return { ...client, summary: `${client.summary}; at the destination ${d.proxy?.pod ?? ''}: ${s.summary}` };
  return {
    ...s,
    summary: `the client routes it to ${d.cluster}; at the destination ${d.proxy?.pod ?? ''}: ${s.summary}`,
    clusters: client.clusters,
  };
}
