/**
 * explain on ztunnel: from this client pod, where does a connection to host[:port] go, the way
 * ztunnel's outbound proxy decides it (ztunnel src/proxy/outbound.rs `build_request`,
 * src/state.rs `find_upstream` / `load_balance` / `fetch_waypoint`):
 * 1. the client: HBONE = captured by its node's ztunnel (in ambient); TCP = not captured, so no
 *    ztunnel acts on its outbound side (a plain pod, or one with a sidecar: the dump cannot tell);
 * 2. the destination: a service VIP (service-addressed) or a workload IP (workload-addressed);
 * 3. service-addressed and the service has a waypoint → HBONE to the waypoint; the pods' own
 *    waypoint is NOT used for service traffic. Workload-addressed and the pod has a waypoint (and
 *    the client is not that waypoint) → HBONE to it;
 * 4. otherwise one endpoint, picked at random (weighted by capacity; routing preferences when the
 *    service sets them): healthy ones only unless the service allows all, with a target port from
 *    the endpoint's or the service's port map; HBONE endpoints get an mTLS tunnel to their
 *    ztunnel (port 15008), TCP ones a plaintext connection;
 * 5. the destination's ztunnel (HBONE endpoints, or plaintext arriving at an ambient pod) applies
 *    the L4 authorization policies (authorization.ts) to the peer it sees.
 */
import { UsageError } from '../errors.js';
import type { Verdict, VerdictKind } from '../explain/result.js';
import { authorize, type AuthorizationDecision } from './authorization.js';
import type { ZAuthorization, ZEndpointOut, ZStep, ZtunnelExplainResult } from './explain-result.js';
import { identityOf, ipOf, type GatewayRef, type ZService, type ZtunnelModel, type ZWorkload } from './model.js';
import { findSource, findTarget, findWaypoint, type TargetMatch, type WaypointMatch } from './resolve.js';

export interface ZtunnelExplainRequest {
  /** host[:port], an IP[:port], or `[v6]:port`; a scheme and path are ignored (ztunnel is L4). */
  target: string;
  /** The client: pod[.namespace], IP, or spiffe:// identity. */
  from: string;
  /** The client's source IP, when the client is not a workload ztunnel knows. */
  sourceIp?: string;
}

const HBONE_PORT = 15008;

export function parseHostPort(input: string): { host: string; port?: number } {
  let s = input.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = s.indexOf('/');
  if (slash >= 0) s = s.slice(0, slash);
  let host = s;
  let port: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    host = v6[1];
    port = v6[2];
  } else if ((s.match(/:/g) ?? []).length === 1) {
    [host, port] = s.split(':');
  }
  if (!host)
    throw new UsageError(`no host in the target ${JSON.stringify(input)}`, {
      hint: 'e.g. reviews.bookinfo:9080 or 10.96.74.131:9080',
    });
  if (port !== undefined) {
    const n = Number(port);
    if (!/^\d+$/.test(port) || n < 1 || n > 65535)
      throw new UsageError(`the port in ${JSON.stringify(input)} must be 1-65535`);
    return { host, port: n };
  }
  return { host };
}

const wname = (w: ZWorkload) => `${w.name}.${w.namespace}`;

interface Ctx {
  m: ZtunnelModel;
  byUid: Map<string, ZWorkload>;
  steps: ZStep[];
  assumptions: string[];
  warnings: string[];
}

function resolveWaypoint(c: Ctx, gw: GatewayRef): WaypointMatch {
  return findWaypoint(c.m, gw, c.byUid);
}

interface Candidate {
  workload: ZWorkload;
  targetPort: number;
}

/** load_balance + find_upstream_from_service for a service-addressed connection from a captured client. */
function serviceEndpoints(
  c: Ctx,
  svc: ZService,
  port: number,
  client: ZWorkload | undefined,
  viaKubeProxy: boolean,
): { out: ZEndpointOut[]; usable: Candidate[]; failing: Candidate[] } {
  const svcTarget = svc.ports.get(port) ?? 0;
  const allowAll = svc.loadBalancer?.healthPolicy === 'AllowAll';
  const out: ZEndpointOut[] = [];
  let usable: Candidate[] = [];
  const failing: Candidate[] = [];
  const ranks = new Map<ZWorkload, number>();
  for (const ep of svc.endpoints) {
    const w = c.byUid.get(ep.workloadUid);
    if (!w) {
      out.push({
        workload: ep.workloadUid,
        address: ep.address ? ipOf(ep.address) : '',
        protocol: '',
        node: '',
        status: '',
        usable: false,
        detail: "its workload is not in ztunnel's config: ztunnel skips it",
      });
      continue;
    }
    const status = ep.status ?? w.status ?? 'Healthy';
    const tp =
      ep.ports.get(port) ?? (svcTarget > 0 ? svcTarget : w.applicationTunnel?.port !== undefined ? port : undefined);
    const ip = w.ips[0];
    const base = {
      workload: wname(w),
      protocol: w.protocol,
      node: w.node,
      status: status || 'Healthy',
      target_port: tp,
    };
    const addrOf = () =>
      w.protocol === 'HBONE' && !viaKubeProxy ? `${ip}:${HBONE_PORT}` : `${ip ?? w.hostname}:${tp}`;
    if ((status || 'Healthy') !== 'Healthy' && !allowAll) {
      out.push({
        ...base,
        address: ip ?? w.hostname,
        usable: false,
        detail: `${status}: ztunnel only uses healthy endpoints (the service's health policy is not AllowAll)`,
      });
      continue;
    }
    if (tp === undefined || (svcTarget === 0 && tp === 0)) {
      out.push({
        ...base,
        address: ip ?? w.hostname,
        usable: false,
        detail: `no target port for service port ${port} (neither the endpoint nor the service maps it)`,
      });
      continue;
    }
    if (!ip && !w.hostname) {
      out.push({
        ...base,
        address: '',
        usable: false,
        detail: w.networkGateway
          ? `no IP: reached only through network gateway ${w.networkGateway.destination}`
          : 'no IP or hostname: ztunnel cannot reach it',
      });
      if (!w.networkGateway) continue;
    }
    if (client && w.network !== client.network) {
      if (!w.networkGateway) {
        // load_balance still picks it; build_request then finds no way across (NoValidDestination)
        out.push({
          ...base,
          address: addrOf(),
          usable: false,
          detail: `on network ${w.network || '(none)'}, the client on ${client.network || '(none)'}, and no network gateway: when ztunnel picks it, the connection fails`,
        });
        failing.push({ workload: w, targetPort: tp });
        continue;
      }
      out.push({
        ...base,
        address: w.networkGateway.destination,
        usable: true,
        detail: `on network ${w.network}: double HBONE through its network gateway ${w.networkGateway.destination}`,
      });
      usable.push({ workload: w, targetPort: tp });
      continue;
    }
    const how = viaKubeProxy
      ? `plaintext to ${ip}:${tp} (kube-proxy's choice)`
      : w.protocol === 'HBONE'
        ? `HBONE: mTLS tunnel to its ztunnel at ${ip}:${HBONE_PORT}, inner target ${ip}:${tp}`
        : `TCP: plaintext to ${ip}:${tp} (not in ambient)`;
    out.push({ ...base, address: addrOf(), usable: true, detail: how });
    usable.push({ workload: w, targetPort: tp });
  }
  // routing preferences (load_balance): ranks by matching scopes; Strict drops partial matches, Failover keeps the best rank
  const lb = svc.loadBalancer;
  if (
    !viaKubeProxy &&
    client &&
    lb &&
    lb.mode &&
    lb.mode !== 'Standard' &&
    lb.routingPreferences.length &&
    usable.length
  ) {
    const same = (w: ZWorkload, scope: string): boolean =>
      (
        ({
          Region: client.locality.region === w.locality.region,
          Zone: client.locality.zone === w.locality.zone,
          Subzone: client.locality.subzone === w.locality.subzone,
          Node: client.node === w.node,
          Cluster: client.clusterId === w.clusterId,
          Network: client.network === w.network,
        }) as Record<string, boolean>
      )[scope] ?? false;
    for (const u of usable) {
      let r = 0;
      for (const s of lb.routingPreferences) {
        if (!same(u.workload, s)) break;
        r++;
      }
      ranks.set(u.workload, r);
    }
    const keep =
      lb.mode === 'Strict'
        ? usable.filter((u) => ranks.get(u.workload) === lb.routingPreferences.length)
        : usable.filter((u) => ranks.get(u.workload) === Math.max(...ranks.values()));
    for (const e of out) {
      const u = usable.find((x) => wname(x.workload) === e.workload);
      if (u && !keep.includes(u)) {
        e.usable = false;
        e.detail = `not preferred: the service's load balancer (${lb.mode}, ${lb.routingPreferences.join(' > ')}) prefers endpoints closer to the client`;
      }
    }
    usable = keep;
  }
  return { out, usable, failing };
}

function authFor(c: Ctx, cands: Candidate[], peer: { ip?: string; identity?: string }): ZAuthorization[] {
  const out: ZAuthorization[] = [];
  for (const { workload: w, targetPort } of cands) {
    if (w.protocol !== 'HBONE') continue;
    const d: AuthorizationDecision = authorize(c.m, w, {
      srcIp: peer.ip,
      srcIdentity: peer.identity,
      dstIp: w.ips[0] ?? '',
      dstPort: targetPort,
    });
    out.push({ workload: wname(w), decision: d.decision, by: d.by, reason: d.reason, policies: d.policies });
  }
  return out;
}

function annotate(eps: ZEndpointOut[], auth: ZAuthorization[]): void {
  for (const a of auth) {
    const e = eps.find((x) => x.workload === a.workload && x.usable);
    if (e) {
      e.authorization = a.decision;
      e.authorization_reason = a.reason;
    }
  }
}

function verdict(kind: VerdictKind, summary: string, next?: string): Verdict {
  return { kind, clusters: [], summary, ...(next ? { next_step: next } : {}) };
}

/** all / some / none of the authorization decisions deny. */
function denial(auth: ZAuthorization[]): { all: boolean; some: number; unknown: number } {
  const deny = auth.filter((a) => a.decision === 'deny').length;
  return {
    all: auth.length > 0 && deny === auth.length,
    some: deny,
    unknown: auth.filter((a) => a.decision === 'unknown').length,
  };
}

function policyStep(c: Ctx, auth: ZAuthorization[], peer: string): void {
  if (!auth.length) return;
  const groups = new Map<string, string[]>();
  for (const a of auth) {
    const k = `${a.decision.toUpperCase()}: ${a.reason}`;
    groups.set(k, [...(groups.get(k) ?? []), a.workload]);
  }
  const reason = [...groups]
    .map(([k, ws]) => `${k} (${ws.length === auth.length ? 'every endpoint' : ws.join(', ')})`)
    .join('; ');
  const policies = [...new Map(auth.flatMap((a) => a.policies).map((p) => [`${p.namespace}/${p.name}`, p])).values()];
  c.steps.push({
    kind: 'authorization',
    name: `L4 policies at the destination's ztunnel, for ${peer}`,
    reason,
    details: policies.length
      ? {
          policies: policies.map(
            (p) =>
              `${p.action.toUpperCase()} ${p.namespace}/${p.name} (${p.scope}${p.dry_run ? ', dry-run' : ''}): ${p.matches === true ? 'matches' : p.matches === false ? 'no match' : 'may match'}, ${p.reason}`,
          ),
        }
      : undefined,
  });
}

export function explainZtunnel(m: ZtunnelModel, req: ZtunnelExplainRequest): ZtunnelExplainResult {
  const c: Ctx = {
    m,
    byUid: new Map(m.workloads.map((w) => [w.uid, w])),
    steps: [],
    assumptions: [],
    warnings: [...m.warnings],
  };
  const { host, port: givenPort } = parseHostPort(req.target);
  for (const s of ['workloads', 'services'] as const) {
    if (!m.sections.has(s)) c.warnings.push(`${m.origin} has no ${s} section: pcx cannot see what ztunnel knows there`);
  }
  if (!m.sections.has('policies'))
    c.warnings.push(`${m.origin} has no policies section: authorization cannot be evaluated`);

  // 1. the client
  const src = findSource(m, req.from);
  const cw = src.workload;
  const captured = cw?.protocol === 'HBONE';
  const clientIp = cw?.ips[0] ?? (src.workload ? undefined : src.ip) ?? req.sourceIp;
  const identity = cw && captured ? identityOf(cw) : undefined;
  if (cw && !cw.trustDomain)
    c.assumptions.push(
      `${wname(cw)} has no trustDomain in the dump: its identity is written with an empty trust domain`,
    );
  c.steps.push({
    kind: 'client',
    name: cw ? wname(cw) : src.how,
    reason: cw
      ? captured
        ? `protocol HBONE: in ambient, its node's ztunnel (${cw.node || 'node unknown'}) captures its outbound connections and speaks mTLS as ${identity}`
        : `protocol TCP: not in ambient, so no ztunnel captures its outbound connections (a plain pod, or one with a sidecar: the ztunnel dump cannot tell which)`
      : `not a workload ztunnel knows: a client outside the mesh, connecting in plaintext`,
    details: cw
      ? { ip: cw.ips.join(', '), node: cw.node, service_account: cw.serviceAccount, status: cw.status }
      : undefined,
  });
  if (cw && cw.status && cw.status !== 'Healthy') c.warnings.push(`the client ${wname(cw)} is ${cw.status}`);

  // 2. the destination
  const t: TargetMatch = findTarget(m, host, cw?.namespace);
  let port = givenPort;
  if (port === undefined && t.kind === 'service') {
    const ports = [...t.service.ports.keys()];
    if (ports.length === 1) {
      port = ports[0];
      c.assumptions.push(`no port given: port ${port}, the only port of ${t.service.hostname}`);
    } else {
      throw new UsageError(`give a port: ${t.service.hostname} has ports ${ports.join(', ') || '(none)'}`, {
        hint: `e.g. pcx explain ${m.origin} ${host}:${ports[0] ?? 80} --from ${req.from}`,
      });
    }
  }
  if (port === undefined && (t.kind === 'workload' || t.kind === 'unknown_ip'))
    throw new UsageError(`give a port: pcx explain ${m.origin} ${host}:<port> --from ${req.from}`);
  // headless (no VIP): DNS answers the pod IPs, so the client dials a pod: workload-addressed
  if (t.kind === 'service' && !t.vip) {
    const pods = t.service.endpoints
      .map((e) => c.byUid.get(e.workloadUid))
      .filter((w): w is ZWorkload => !!w?.ips.length);
    if (pods.length) {
      const r = explainZtunnel(m, {
        ...req,
        target: `${pods[0].ips[0].includes(':') ? `[${pods[0].ips[0]}]` : pods[0].ips[0]}:${port}`,
      });
      r.target.input = req.target;
      r.assumptions.unshift(
        `${t.service.hostname} is headless (no VIP): DNS answers its ${pods.length} pod IP${pods.length === 1 ? '' : 's'} and the client dials one; explained for ${pods[0].ips[0]} (${wname(pods[0])})${
          pods.length > 1
            ? `, the others are ${pods
                .slice(1, 6)
                .map((p) => p.ips[0])
                .join(', ')}${pods.length > 6 ? ', …' : ''}`
            : ''
        }`,
      );
      return r;
    }
  }
  const base = (
    targetInfo: ZtunnelExplainResult['target'],
  ): Omit<ZtunnelExplainResult, 'verdict' | 'endpoints' | 'authorization'> => ({
    kind: 'ztunnel',
    target: targetInfo,
    client: {
      input: req.from,
      workload: cw ? wname(cw) : undefined,
      ip: clientIp,
      protocol: cw?.protocol,
      captured,
      identity,
      node: cw?.node,
    },
    proxy: {
      source: m.origin,
      kind: 'ztunnel',
      ztunnel_version: typeof m.version?.version === 'string' ? m.version.version : undefined,
      istio_version: typeof m.version?.istioVersion === 'string' ? m.version.istioVersion : undefined,
    },
    steps: c.steps,
    assumptions: c.assumptions,
    warnings: c.warnings,
  });

  if (t.kind === 'unknown_name') {
    c.steps.push({ kind: 'destination', name: host, reason: t.how });
    return {
      ...base({ input: req.target, host, port, resolved: 'unknown' }),
      endpoints: [],
      authorization: [],
      verdict: verdict(
        'unknown',
        `no such service: ztunnel knows no service or workload named ${host}`,
        `if DNS resolves ${host} outside the mesh, ztunnel passes the connection through as plain TCP: explain that IP (pcx explain ${m.origin} <ip>:${port ?? '<port>'} --from ${req.from}); check the name with pcx ztunnel services ${m.origin}`,
      ),
    };
  }
  if (t.kind === 'unknown_ip') {
    c.steps.push({ kind: 'destination', name: `${host}:${port}`, reason: t.how });
    return {
      ...base({ input: req.target, host, port, resolved: 'unknown', ip: host }),
      endpoints: [],
      authorization: [],
      verdict: captured
        ? verdict(
            'passthrough',
            `${host} is outside ztunnel's view: ztunnel passes the connection through as plain TCP to ${host}:${port} (no mTLS, no policy)`,
          )
        : verdict(
            'passthrough',
            `${host} is outside ztunnel's view and the client is not captured: a plain TCP connection that no ztunnel sees`,
          ),
    };
  }

  const targetInfo: ZtunnelExplainResult['target'] =
    t.kind === 'service'
      ? {
          input: req.target,
          host,
          port,
          resolved: 'service',
          service: `${t.service.namespace}/${t.service.hostname}`,
          ip: t.vip,
        }
      : { input: req.target, host, port, resolved: 'workload', workload: wname(t.workload), ip: t.ip };
  const p = port!;
  if (t.kind === 'service') {
    const s = t.service;
    const ports = [...s.ports].map(([sp, tp]) => (tp && tp !== sp ? `${sp}→${tp}` : `${sp}`)).join(', ');
    c.steps.push({
      kind: 'destination',
      name: `${s.hostname}:${p}`,
      reason: t.how,
      details: {
        vips: s.vips.map(ipOf).join(', '),
        ports,
        endpoints: s.endpoints.length,
        waypoint: s.waypoint ? s.waypoint.destination : 'none',
        ...(s.loadBalancer
          ? { load_balancer: `${s.loadBalancer.mode} ${s.loadBalancer.routingPreferences.join(' > ')}`.trim() }
          : {}),
      },
    });
    if (s.visibility === 'Namespace' && cw && cw.namespace !== s.namespace)
      c.warnings.push(
        `${s.hostname} is visible only to its own namespace (${s.namespace}); the client is in ${cw.namespace}`,
      );
  } else {
    const w = t.workload;
    c.steps.push({
      kind: 'destination',
      name: `${wname(w)} ${t.ip}:${p}`,
      reason: `${t.how}: workload-addressed (no service in between)`,
      details: {
        protocol: w.protocol,
        node: w.node,
        status: w.status,
        waypoint: w.waypoint ? w.waypoint.destination : 'none',
      },
    });
  }

  // not captured: no ztunnel on the client side; kube-proxy (or the client's sidecar) picks the pod
  if (!captured) return notCaptured(c, t, p, clientIp, base(targetInfo), req);

  // 3. waypoint
  const svc = t.kind === 'service' ? t.service : undefined;
  const destW = t.kind === 'workload' ? t.workload : undefined;
  let gw: GatewayRef | undefined;
  let attached: 'service' | 'workload' | undefined;
  if (svc?.waypoint) {
    gw = svc.waypoint;
    attached = 'service';
  } else if (destW?.waypoint) {
    gw = destW.waypoint;
    attached = 'workload';
  }
  if (gw && attached) {
    const wp = resolveWaypoint(c, gw);
    const clientIsWaypoint = attached === 'workload' && wp.workloads.some((w) => w.uid === cw!.uid);
    if (!clientIsWaypoint) return viaWaypoint(c, t, p, gw, attached, wp, base(targetInfo), req);
    c.steps.push({
      kind: 'waypoint',
      name: wp.name,
      reason: `the client is this workload's own waypoint: ztunnel does not send it through the waypoint again`,
    });
  } else if (svc) {
    const podWaypoints = [
      ...new Set(
        svc.endpoints
          .map((e) => c.byUid.get(e.workloadUid))
          .filter((w): w is ZWorkload => !!w?.waypoint)
          .map((w) => w.waypoint!.destination),
      ),
    ];
    c.steps.push({
      kind: 'waypoint',
      name: 'none',
      reason: podWaypoints.length
        ? `the service has no waypoint; its pods have one (${podWaypoints.map((d) => resolveWaypoint(c, { destination: d }).name).join(', ')}), but a pod's waypoint serves only traffic addressed to the pod IP, not to the service (label the service with istio.io/use-waypoint to send service traffic through it)`
        : 'neither the service nor its pods have a waypoint: ztunnel connects to a pod directly (L4 only, no L7 policy)',
    });
  } else if (destW) {
    c.steps.push({
      kind: 'waypoint',
      name: 'none',
      reason: 'the pod has no waypoint: ztunnel connects to it directly',
    });
  }

  // 4. endpoints
  let eps: ZEndpointOut[];
  let usable: Candidate[];
  let failing: Candidate[] = [];
  if (svc) {
    if (s_hasNoPort(svc, p)) {
      const ports = [...svc.ports.keys()].join(', ') || 'none';
      c.steps.push({
        kind: 'endpoints',
        name: `${svc.hostname}:${p}`,
        reason: `the service has no port ${p} (ports: ${ports}): ztunnel finds no upstream`,
      });
      return {
        ...base(targetInfo),
        endpoints: [],
        authorization: [],
        verdict: verdict(
          'connection_closed',
          `${svc.hostname} has no port ${p} (its ports: ${ports}): ztunnel closes the connection (no healthy upstream)`,
          `dial one of its ports, e.g. ${host}:${[...svc.ports.keys()][0] ?? p}`,
        ),
      };
    }
    ({ out: eps, usable, failing } = serviceEndpoints(c, svc, p, cw, false));
  } else {
    const w = destW!;
    const how =
      w.protocol === 'HBONE'
        ? `HBONE: mTLS tunnel to its ztunnel at ${t.kind === 'workload' ? t.ip : ''}:${HBONE_PORT}, inner target ${t.kind === 'workload' ? t.ip : ''}:${p}`
        : `TCP: plaintext to ${t.kind === 'workload' ? t.ip : ''}:${p} (not in ambient)`;
    eps = [
      {
        workload: wname(w),
        address: w.protocol === 'HBONE' ? `${w.ips[0]}:${HBONE_PORT}` : `${w.ips[0]}:${p}`,
        target_port: p,
        protocol: w.protocol,
        node: w.node,
        status: w.status || 'Healthy',
        usable: true,
        detail: how,
      },
    ];
    usable = [{ workload: w, targetPort: p }];
  }
  const nUsable = usable.length;
  const picked = nUsable + failing.length;
  c.steps.push({
    kind: 'endpoints',
    name: svc ? `${svc.hostname}:${p}` : wname(destW!),
    reason: svc
      ? nUsable
        ? `${nUsable} of ${svc.endpoints.length} endpoint${svc.endpoints.length === 1 ? '' : 's'} usable${failing.length ? ` (ztunnel also picks from ${failing.length} it cannot reach)` : ''}; ztunnel picks one per connection at random, weighted by capacity`
        : `none of its ${svc.endpoints.length} endpoint${svc.endpoints.length === 1 ? '' : 's'} is usable`
      : 'the pod itself',
  });
  if (!nUsable && failing.length) {
    return {
      ...base(targetInfo),
      endpoints: eps,
      authorization: [],
      verdict: verdict(
        'connection_closed',
        `every endpoint of ${svc!.hostname} is on another network without a network gateway: ztunnel fails the connection`,
        "check the network gateway (east-west gateway) of the remote network, or the workloads' network labels",
      ),
    };
  }
  if (!nUsable) {
    return {
      ...base(targetInfo),
      endpoints: eps,
      authorization: [],
      verdict: verdict(
        'no_healthy_endpoints',
        `${svc!.hostname} has no usable endpoint for port ${p}: ztunnel closes the connection`,
        `pcx ztunnel services ${m.origin} --service-namespace ${svc!.namespace}, and kubectl get endpointslices -n ${svc!.namespace}`,
      ),
    };
  }

  // 5. authorization at the destination ztunnel (HBONE endpoints)
  const auth = authFor(c, usable, { ip: clientIp, identity });
  annotate(eps, auth);
  policyStep(c, auth, identity ?? 'the client');
  const tcp = usable.filter((u) => u.workload.protocol !== 'HBONE');
  if (tcp.length)
    c.warnings.push(
      `${tcp.length === usable.length ? 'the destination is' : `${tcp.length} of ${usable.length} endpoints are`} not in ambient (protocol TCP): ztunnel sends plaintext and no ztunnel applies L4 policy there; if the pod has a sidecar in STRICT mTLS mode, it refuses the plaintext connection`,
    );
  const d = denial(auth);
  const name = svc ? svc.hostname : wname(destW!);
  const proto =
    tcp.length === usable.length
      ? 'plaintext TCP'
      : tcp.length
        ? 'HBONE (mTLS) or plaintext TCP, by endpoint'
        : 'HBONE (mTLS)';
  if (d.all)
    return {
      ...base(targetInfo),
      endpoints: eps,
      authorization: auth,
      verdict: verdict(
        'denied',
        `denied: ${auth[0].reason}${auth.length > 1 ? ' (every endpoint)' : ''}; ztunnel resets the connection`,
        `allow ${identity} in an AuthorizationPolicy of namespace ${usable[0].workload.namespace} (pcx ztunnel policies ${m.origin} --policy-namespace ${usable[0].workload.namespace})`,
      ),
    };
  if (d.some)
    return {
      ...base(targetInfo),
      endpoints: eps,
      authorization: auth,
      verdict: verdict(
        'denied',
        `denied on ${d.some} of ${auth.length} endpoints (ztunnel picks one at random per connection: some connections are reset)`,
        'compare the policies of the endpoints above',
      ),
    };
  if (d.unknown)
    return {
      ...base(targetInfo),
      endpoints: eps,
      authorization: auth,
      verdict: verdict('unknown', `reaches ${name}, but an L4 policy needs what pcx was not told`, 'give --source-ip'),
    };
  if (failing.length) {
    return {
      ...base(targetInfo),
      endpoints: eps,
      authorization: auth,
      verdict: verdict(
        'connection_closed',
        `${failing.length} of ${picked} endpoints of ${name} cannot be reached (another network, no network gateway): the connections ztunnel sends there fail; the others go direct over ${proto}`,
        `check the network of ${failing.map((f) => wname(f.workload)).join(', ')} and its network gateway`,
      ),
    };
  }
  return {
    ...base(targetInfo),
    endpoints: eps,
    authorization: auth,
    verdict: verdict(
      'routed',
      `direct to ${nUsable} workload${nUsable === 1 ? '' : 's'} of ${name} over ${proto}, no waypoint`,
    ),
  };
}

function s_hasNoPort(svc: ZService, p: number): boolean {
  return !svc.ports.has(p);
}

function viaWaypoint(
  c: Ctx,
  t: TargetMatch,
  p: number,
  gw: GatewayRef,
  attached: 'service' | 'workload',
  wp: WaypointMatch,
  base: Omit<ZtunnelExplainResult, 'verdict' | 'endpoints' | 'authorization'>,
  req: ZtunnelExplainRequest,
): ZtunnelExplainResult {
  const what = attached === 'service' ? 'the service' : 'the pod';
  const info = {
    name: wp.name,
    attached_to: attached,
    address: gw.destination,
    found: wp.found,
    workloads: wp.workloads.map(wname),
  };
  if (!wp.found) {
    c.steps.push({
      kind: 'waypoint',
      name: gw.destination,
      reason: `${what} names waypoint ${gw.destination}, which is not in ztunnel's config`,
    });
    return {
      ...base,
      waypoint: info,
      endpoints: [],
      authorization: [],
      verdict: verdict(
        'connection_closed',
        `waypoint ${gw.destination} is referenced but absent: ztunnel fails the connection (unknown waypoint)`,
        'check the waypoint Gateway and its pods: kubectl get gateways.gateway.networking.k8s.io -A; istioctl waypoint list -A',
      ),
    };
  }
  const healthy = wp.workloads.filter((w) => (w.status || 'Healthy') === 'Healthy');
  c.steps.push({
    kind: 'waypoint',
    name: wp.name,
    reason: `${what} has waypoint ${wp.name} (${attached}-attached): ztunnel opens an HBONE (mTLS) tunnel to it on port ${gw.port ?? HBONE_PORT} instead of to a pod; the waypoint's Envoy applies L7 policy and picks the pod`,
    details: {
      waypoint_pods: wp.workloads.map(
        (w) => `${wname(w)} ${w.ips[0] ?? ''}${(w.status || 'Healthy') !== 'Healthy' ? ` (${w.status})` : ''}`,
      ),
    },
  });
  const endpoints: ZEndpointOut[] = wp.workloads.map((w) => ({
    workload: wname(w),
    address: `${w.ips[0] ?? w.hostname}:${gw.port ?? HBONE_PORT}`,
    protocol: 'HBONE',
    node: w.node,
    status: w.status || 'Healthy',
    usable: (w.status || 'Healthy') === 'Healthy',
    detail: 'waypoint pod',
  }));
  if (!healthy.length)
    return {
      ...base,
      waypoint: info,
      endpoints,
      authorization: [],
      verdict: verdict(
        'no_healthy_endpoints',
        `waypoint ${wp.name} has no healthy pod: ztunnel fails the connection`,
        `kubectl get pods -n ${wp.service?.namespace ?? '<ns>'} -l gateway.networking.k8s.io/gateway-name`,
      ),
    };

  // the pods behind: what their ztunnel's L4 policies say to the waypoint's identity
  const w0 = healthy[0];
  const wpIdentity = identityOf(w0);
  let auth: ZAuthorization[] = [];
  if (t.kind === 'service') {
    const { usable } = serviceEndpoints(c, t.service, p, w0, false);
    auth = authFor(c, usable, { ip: w0.ips[0], identity: wpIdentity });
  } else if (t.kind === 'workload') {
    auth = authFor(c, [{ workload: t.workload, targetPort: p }], { ip: w0.ips[0], identity: wpIdentity });
  }
  policyStep(c, auth, `the waypoint's identity ${wpIdentity}`);
  c.assumptions.push(
    `policies attached to the waypoint itself (targetRefs) are in the waypoint's Envoy config, not in ztunnel's`,
  );
  const pod = w0;
  const next = `explain the waypoint's Envoy dump next: pcx explain ${pod.name}.${pod.namespace} ${req.target}  (or its saved config dump)`;
  const d = denial(auth);
  if (d.all)
    return {
      ...base,
      waypoint: info,
      endpoints,
      authorization: auth,
      verdict: verdict(
        'denied',
        `via waypoint ${wp.name}, then denied: the destination's L4 policy refuses the waypoint's identity (${auth[0].reason})`,
        `allow ${wpIdentity} at the destination, then ${next}`,
      ),
    };
  const warn = d.some ? ` (but ${d.some} of ${auth.length} destination pods deny the waypoint's identity)` : '';
  return {
    ...base,
    waypoint: info,
    endpoints,
    authorization: auth,
    verdict: verdict(
      d.some ? 'denied' : 'routed',
      `via waypoint ${wp.name} (${attached}-attached), over HBONE (mTLS)${warn}`,
      next,
    ),
  };
}

function notCaptured(
  c: Ctx,
  t: TargetMatch,
  p: number,
  clientIp: string | undefined,
  base: Omit<ZtunnelExplainResult, 'verdict' | 'endpoints' | 'authorization'>,
  req: ZtunnelExplainRequest,
): ZtunnelExplainResult {
  c.assumptions.push(
    'the client has no sidecar; if it has one, its Envoy routes this connection: explain its dump instead (pcx explain <client pod> ' +
      req.target +
      ')',
  );
  let eps: ZEndpointOut[];
  let usable: Candidate[];
  if (t.kind === 'service') {
    const s = t.service;
    if (s.waypoint)
      c.warnings.push(
        `${s.hostname} has waypoint ${resolveWaypoint(c, s.waypoint).name}, but a client that ztunnel does not capture bypasses it: its L7 policies do not apply`,
      );
    if (!s.ports.has(p)) {
      return {
        ...base,
        endpoints: [],
        authorization: [],
        verdict: verdict(
          'connection_closed',
          `${s.hostname} has no port ${p}: kube-proxy has no rule for ${t.vip ?? s.hostname}:${p}, the connection fails`,
        ),
      };
    }
    ({ out: eps, usable } = serviceEndpoints(c, s, p, undefined, true));
    c.steps.push({
      kind: 'endpoints',
      name: `${s.hostname}:${p}`,
      reason: `kube-proxy (not ztunnel) picks one of ${usable.length} ready pod${usable.length === 1 ? '' : 's'} and the client connects to it in plaintext`,
    });
  } else if (t.kind === 'workload') {
    const w = t.workload;
    if (w.waypoint)
      c.warnings.push(
        `${wname(w)} has waypoint ${resolveWaypoint(c, w.waypoint).name}, but a client that ztunnel does not capture bypasses it`,
      );
    eps = [
      {
        workload: wname(w),
        address: `${t.ip}:${p}`,
        target_port: p,
        protocol: w.protocol,
        node: w.node,
        status: w.status || 'Healthy',
        usable: true,
        detail: `plaintext to ${t.ip}:${p}`,
      },
    ];
    usable = [{ workload: w, targetPort: p }];
    c.steps.push({
      kind: 'endpoints',
      name: wname(w),
      reason: 'the client connects to the pod directly, in plaintext',
    });
  } else {
    eps = [];
    usable = [];
  }
  if (!usable.length)
    return {
      ...base,
      endpoints: eps,
      authorization: [],
      verdict: verdict('no_healthy_endpoints', 'no ready pod behind the service'),
    };
  // an ambient pod's ztunnel captures plaintext inbound too, and applies L4 policy to a peer without identity
  const auth = authFor(c, usable, { ip: clientIp });
  annotate(eps, auth);
  policyStep(c, auth, 'a plaintext client (no identity)');
  const ambient = usable.filter((u) => u.workload.protocol === 'HBONE').length;
  // the same client with a sidecar would present its identity: say when that changes the decision
  const cw = base.client.workload ? c.m.workloads.find((w) => wname(w) === base.client.workload) : undefined;
  if (cw && ambient) {
    const id = identityOf(cw);
    const withId = authFor(c, usable, { ip: clientIp, identity: id });
    const differs = withId.some((a, i) => a.decision !== auth[i]?.decision);
    if (differs)
      c.warnings.push(
        `with a sidecar, the client would present ${id}, and the destination's ztunnel would decide: ${withId.map((a) => `${a.decision} (${a.workload}: ${a.reason})`).join('; ')}`,
      );
  }
  const d = denial(auth);
  if (d.all)
    return {
      ...base,
      endpoints: eps,
      authorization: auth,
      verdict: verdict(
        'denied',
        `denied: the destination's ztunnel sees a plaintext client without identity (${auth[0].reason})`,
        'add the client to the ambient mesh (label its namespace istio.io/dataplane-mode=ambient), or allow it by source IP',
      ),
    };
  if (d.some)
    return {
      ...base,
      endpoints: eps,
      authorization: auth,
      verdict: verdict('denied', `denied on ${d.some} of ${auth.length} endpoints for a plaintext client`),
    };
  const where = ambient
    ? `${ambient === usable.length ? (ambient === 1 ? 'it is' : 'all are') : `${ambient} of them are`} in ambient: the destination's ztunnel accepts plaintext and applies L4 policy to a client without identity`
    : 'none in ambient: no ztunnel involved';
  return {
    ...base,
    endpoints: eps,
    authorization: auth,
    verdict: verdict(
      'routed',
      `plaintext, not through ztunnel on the client side: kube-proxy picks one of ${usable.length} pod${usable.length === 1 ? '' : 's'} (${where})`,
    ),
  };
}
