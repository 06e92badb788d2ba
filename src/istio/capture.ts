/**
 * Istio's capture conventions (envoy-resolution.md §2.1, §2.3, §2.4, §3.2): which listener iptables
 * sends a connection to (virtualOutbound 15001, virtualInbound 15006, a waypoint's main_internal),
 * the ports its iptables leaves alone, and the proxy's own (admin, health, stats) ports. The Envoy
 * rules those listeners then follow (the original-destination hand-off, bound listeners) are in
 * envoy/listener-select.ts.
 */
import type { ConfigModel, ListenerRecord } from '../model/config-model.js';
import { formatHostPort, socketOf } from '../envoy/ip.js';
import {
  hasOriginalDstFilter,
  listenerAddresses,
  notServingFor,
  selectBoundListener,
  selectOutboundListener,
  usesOriginalDst,
  type ListenerChoice,
} from '../envoy/listener-select.js';
import { defineIndex, indexed } from '../model/model-index.js';

const capture = defineIndex('capture-listener', (model): { l?: ListenerRecord } => {
  const serving = model.listeners.filter((l) => l.serving);
  return {
    l:
      serving.find((l) => l.name === 'virtualOutbound') ??
      serving.find((l) => usesOriginalDst(l.head) && l.name !== 'virtualInbound') ??
      // OSM and Consul: an OUTBOUND listener that restores the destination with the original_dst
      // listener filter and matches its own chains (no hand-off)
      serving.find((l) => l.head.traffic_direction === 'OUTBOUND' && hasOriginalDstFilter(l.listener)),
  };
});

export function captureListener(model: ConfigModel): ListenerRecord | undefined {
  return indexed(model, capture).l;
}

/** Sidecar outbound (§2.3): iptables → the capture listener → Envoy's original-destination hand-off. */
export function selectSidecarOutboundListener(
  model: ConfigModel,
  ip: string | undefined,
  port: number,
): ListenerChoice {
  return selectOutboundListener(model, ip, port, captureListener(model));
}

/** Ports of the proxy's own admin, health, stats and capture listeners (Istio, Envoy Gateway, OSM, Consul): never "the port you meant". */
export const NOT_A_SERVICE_PORT = new Set([
  15000, 15001, 15004, 15006, 15008, 15009, 15010, 15020, 15021, 15053, 15090, 15901, 15902, 15903, 15904, 19000, 19001,
  19002, 19003, 19100,
]);

/**
 * A listener that serves the proxy itself (health probes, stats, admin), not traffic: a static
 * (bootstrap) listener, a well-known port, or an inline route table that only answers
 * /stats, /healthz, /ready, … probes.
 */
export function isProxyOwnListener(r: ListenerRecord): boolean {
  if (r.state === 'static') return true;
  if (listenerAddresses(r.head).some((a) => NOT_A_SERVICE_PORT.has(a.port))) return true;
  const chains = [
    ...(r.listener.filter_chains ?? []),
    ...(r.listener.default_filter_chain ? [r.listener.default_filter_chain] : []),
  ];
  const prefixes: string[] = [];
  for (const c of chains) {
    for (const f of c.filters ?? []) {
      const rc = f.typed_config?.route_config;
      for (const vh of rc?.virtual_hosts ?? [])
        for (const rt of vh.routes ?? []) prefixes.push(String(rt.match?.prefix ?? rt.match?.path ?? ''));
    }
  }
  return prefixes.length > 0 && prefixes.every((p) => /stats|health|ready|live|probe|metrics|prometheus/i.test(p));
}

/** Inbound ports Istio's iptables leaves alone: HBONE, the agent, health and Prometheus (§2.1). */
export const INBOUND_NOT_REDIRECTED = new Set([15008, 15020, 15021, 15090]);

/**
 * Sidecar inbound (§2.4): iptables redirects to virtualInbound (15006), whose original_dst listener
 * filter restores the destination; it matches its own chains (by destination_port). Old Istio
 * without virtualInbound used `<podIP>_<port>` listeners reached through the capture listener.
 */
export function selectInboundListener(model: ConfigModel, ip: string | undefined, port: number): ListenerChoice {
  if (INBOUND_NOT_REDIRECTED.has(port)) {
    // ISTIO_INBOUND RETURNs these ports (§2.1): whatever is bound to them gets the connection directly
    const bound = selectBoundListener(model, ip, port);
    const why = `Istio's iptables does not redirect inbound port ${port} (ISTIO_INBOUND returns 15008, 15020, 15021, 15090)`;
    return bound.record
      ? {
          ...bound,
          reason: `${why}: the listener bound to ${formatHostPort(socketOf(bound.record.listener.address)?.address ?? '0.0.0.0', port)} gets the connection directly`,
        }
      : { ...bound, reason: `${why}, and no listener binds it: the connection goes straight to the app` };
  }
  const serving = model.listeners.filter((l) => l.serving);
  const vi =
    serving.find((l) => l.name === 'virtualInbound') ?? serving.find((l) => socketOf(l.head.address)?.port === 15006);
  if (vi) {
    return {
      record: vi,
      how: 'self',
      notServing: notServingFor(model, ip, port),
      reason: `iptables redirects inbound connections to ${vi.name} (port 15006); its original_dst listener filter restores the destination ${ip ? formatHostPort(ip, port) : `port ${port}`}`,
    };
  }
  const rejected = model.listeners.filter(
    (l) => !l.serving && (l.name === 'virtualInbound' || socketOf(l.head.address)?.port === 15006),
  );
  if (!rejected.length && ip) {
    // no virtualInbound (Consul, OSM, old Istio): a listener really bound to the pod's address:port takes it
    const own = selectBoundListener(model, ip, port);
    if (own.how === 'exact')
      return {
        ...own,
        reason: `no virtualInbound: the listener bound to ${formatHostPort(ip, port)} receives the connection`,
      };
  }
  if (rejected.length) {
    const st = rejected.some((l) => l.state === 'error')
      ? 'was rejected by Envoy (error_state) and never became active'
      : `is only ${rejected[0].state}`;
    return {
      how: 'none',
      notServing: rejected,
      reason: `iptables redirects inbound connections to port 15006, but virtualInbound ${st}: nothing accepts them`,
    };
  }
  // Istio before virtualInbound: the capture listener hands off to <podIP>_<port>
  return selectSidecarOutboundListener(model, ip, port);
}

/**
 * Waypoint (ambient, §3.2): ztunnel sends the connection over HBONE to the waypoint, which
 * terminates the tunnel and hands the inner stream to its internal listener (main_internal) with
 * the original destination; that listener chooses chains with a filter_chain_matcher.
 */
export function selectWaypointListener(model: ConfigModel, ip: string | undefined, port: number): ListenerChoice {
  const serving = model.listeners.filter((l) => l.serving);
  const main = serving.find((l) => l.name === 'main_internal') ?? serving.find((l) => l.listener.filter_chain_matcher);
  if (!main) return { how: 'none', notServing: [], reason: 'no main_internal (waypoint) listener in this dump' };
  return {
    record: main,
    how: 'self',
    notServing: notServingFor(model, ip, port),
    reason: `the waypoint terminates the HBONE tunnel (port 15008) and hands the stream to its internal listener ${main.name}, destination ${ip ? formatHostPort(ip, port) : `port ${port}`}`,
  };
}
