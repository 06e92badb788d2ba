/**
 * PCX110–PCX112: updates Envoy rejected (error_state, a NACK: the previous version keeps serving),
 * resources only warming (they serve nothing yet), and listeners that cannot serve at all
 * (envoy-resolution.md §1.2: only active_state listeners are in Envoy's lookup map).
 */
import type { ListenerRecord } from '../model/config-model.js';
import { finding, oneLine, refsOf, type CheckCtx } from './context.js';
import type { Finding } from './types.js';

const CAPTURE_EFFECT: Record<string, string> = {
  virtualInbound: 'every inbound connection to the pod (iptables sends them to 15006) is refused',
  virtualOutbound: 'every outbound connection of the app (iptables sends them to 15001) is refused',
};

/** What in Envoy's message points at an EnvoyFilter: Istio itself never generates Lua or Wasm filters. */
function culprit(details: string): string {
  if (/Lua/i.test(details)) return ' The failing part is a Lua filter, which only an EnvoyFilter adds.';
  if (/Wasm/i.test(details)) return ' The failing part is a Wasm filter (a WasmPlugin or EnvoyFilter).';
  return '';
}

function listenerAddress(l: ListenerRecord): string {
  const sa = l.listener?.address?.socket_address;
  return sa ? ` (${sa.address}:${sa.port_value ?? sa.port ?? ''})` : '';
}

export function rejectedFindings(ctx: CheckCtx): Finding[] {
  const { model } = ctx;
  const out: Finding[] = [];
  const byName = new Map<string, ListenerRecord[]>();
  for (const l of model.listeners) {
    const a = byName.get(l.name);
    if (a) a.push(l);
    else byName.set(l.name, [l]);
  }
  for (const [name, recs] of byName) {
    const serving = recs.some((r) => r.serving);
    const res = { type: 'listener' as const, name: name || '(unnamed)' };
    const told = new Set<string>();
    for (const e of recs.filter((r) => r.state === 'error')) {
      const details = oneLine(e.extra.errorDetails);
      if (told.has(details)) continue; // the same rejection listed twice
      told.add(details);
      if (!serving) {
        const capture = CAPTURE_EFFECT[name];
        out.push(
          finding(
            'PCX112',
            res,
            `Envoy rejected listener ${name}${listenerAddress(e)} and has no earlier version to serve: ${capture ?? 'connections to its address are refused'}. Envoy says: ${details}.${culprit(details)}`,
            {
              next_step:
                'find the EnvoyFilter (or the config) that patches this listener: kubectl get envoyfilter -A; fix or delete it, then check istioctl proxy-status for the NACK to clear',
              details: {
                envoy_message: details,
                ...(e.extra.lastUpdated ? { last_update_attempt: e.extra.lastUpdated } : {}),
                ...(e.extra.versionInfo ? { version_info: e.extra.versionInfo } : {}),
              },
            },
          ),
        );
      } else {
        out.push(
          finding(
            'PCX110',
            res,
            `Envoy rejected an update of listener ${name}; the previous version keeps serving, so the change is not in effect. Envoy says: ${details}.${culprit(details)}`,
            {
              next_step: 'istioctl proxy-status shows the NACK; find the EnvoyFilter or config change behind it',
              details: {
                envoy_message: details,
                ...(e.extra.lastUpdated ? { last_update_attempt: e.extra.lastUpdated } : {}),
              },
            },
          ),
        );
      }
    }
    if (!serving && recs.some((r) => r.state === 'warming')) {
      out.push(
        finding(
          'PCX111',
          res,
          `listener ${name} exists only in warming state: Envoy waits for its route configuration or secrets, and it takes no connections until then`,
          {
            effect: 'no traffic to it yet',
            next_step:
              'if it stays warming, check the RDS route and SDS secrets it needs (pcx routes, pcx secrets) and istioctl proxy-status',
          },
        ),
      );
    }
    for (const r of recs) {
      if (!r.serving) continue;
      const lst = r.listener;
      if (
        !lst?.filter_chains?.length &&
        !lst?.default_filter_chain &&
        !lst?.filter_chain_matcher &&
        !lst?.internal_listener &&
        !lst?.api_listener
      ) {
        out.push(
          finding(
            'PCX112',
            res,
            `listener ${name}${listenerAddress(r)} has no filter chain: every connection to it is closed`,
            {
              next_step: 'an EnvoyFilter that removes filter chains is the usual cause: kubectl get envoyfilter -A',
            },
          ),
        );
      }
    }
  }
  const clusterNames = new Set(model.clusters.map((c) => c.name));
  for (const name of clusterNames) {
    const recs = model.clusterStates(name);
    const serving = recs.some((c) => c.serving);
    for (const c of recs) {
      if (c.extra.errorDetails) {
        const details = oneLine(c.extra.errorDetails);
        out.push(
          finding(
            'PCX110',
            { type: 'cluster', name },
            `Envoy rejected an update of cluster ${name}; the version shown keeps serving. Envoy says: ${details}.${culprit(details)}`,
            {
              istio: refsOf(c.cluster?.metadata),
              next_step: 'istioctl proxy-status shows the NACK; find the DestinationRule/EnvoyFilter change behind it',
              details: { envoy_message: details },
            },
          ),
        );
      }
    }
    if (!serving && recs.some((c) => c.state === 'warming')) {
      const used = ctx.refsByCluster.get(name);
      out.push(
        finding(
          'PCX111',
          { type: 'cluster', name },
          `cluster ${name} exists only in warming state (waiting for its endpoints or secrets)${used ? `; ${used.length} route${used.length === 1 ? '' : 's'} send to it` : ''}`,
          {
            effect: used ? '503 NC until it warms' : 'no traffic to it yet',
            severity: used ? 'warning' : 'info',
            istio: refsOf(recs[0].cluster?.metadata),
            next_step:
              'if it stays warming, the control plane sends no endpoints (EDS) or a secret is missing (pcx secrets)',
          },
        ),
      );
    }
  }
  for (const r of model.routeConfigs) {
    if (r.state !== 'error') continue;
    const details = oneLine(r.extra.errorDetails);
    out.push(
      finding(
        'PCX110',
        { type: 'route_config', name: r.name || '(unnamed)' },
        `Envoy rejected an update of route configuration ${r.name}; ${model.routeConfig(r.name) ? 'the previous version keeps serving' : 'no version of it serves, so listeners that name it answer 404 NR'}. Envoy says: ${details}.${culprit(details)}`,
        {
          effect: model.routeConfig(r.name) ? 'none yet: the previous version serves' : '404 NR',
          severity: model.routeConfig(r.name) ? 'warning' : 'error',
          next_step: 'istioctl proxy-status shows the NACK; find the VirtualService/EnvoyFilter change behind it',
          details: { envoy_message: details },
        },
      ),
    );
  }
  for (const f of model.ecds) {
    if (f.state !== 'error') continue;
    out.push(
      finding(
        'PCX110',
        { type: 'ecds_filter', name: f.name || '(unnamed)' },
        `Envoy rejected the extension config ${f.name} (ECDS); the listeners that use it keep the previous version or fail closed`,
        {
          next_step: 'check the WasmPlugin/EnvoyFilter that provides it',
        },
      ),
    );
  }
  return out;
}
