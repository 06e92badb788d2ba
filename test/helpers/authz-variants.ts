/**
 * AuthorizationPolicies planted at test time into a copy of the real hello-openshift sidecar dump
 * (Istio 1.20.8), spelled as Istio 1.20 generates them: a DENY HTTP RBAC filter before the others
 * on the inbound HTTP chains of port 8080, and the matching network RBAC filter on its TCP chains.
 */
import { readJson, REAL } from './fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export const DENY_ID = 'ns[vanilla-playground]-policy[deny-sleep]-rule[0]';
export const SLEEP = 'spiffe://cluster.local/ns/default/sa/sleep';

const rbac = (layer: 'http' | 'network', rules: any) => ({
  name: `envoy.filters.${layer}.rbac`,
  typed_config: {
    '@type': `type.googleapis.com/envoy.extensions.filters.${layer}.rbac.v3.RBAC`,
    rules,
    ...(layer === 'network' ? { stat_prefix: 'tcp.' } : {}),
    shadow_rules_stat_prefix: 'istio_dry_run_allow_',
  },
});

function inboundChains(doc: any): any[] {
  const lds = doc.configs.find((c: any) => String(c['@type']).endsWith('ListenersConfigDump'));
  const vi = lds.dynamic_listeners.find((l: any) => l.name === 'virtualInbound').active_state.listener;
  return vi.filter_chains.filter((c: any) => c.name === '0.0.0.0_8080');
}

/** A DENY policy on hello-openshift naming the sleep service account (and a `/admin` path rule for anyone). */
export function helloWithDenyPolicy(): any {
  const doc = readJson(REAL.istio120sidecar);
  const rules = {
    action: 'DENY',
    policies: {
      [DENY_ID]: {
        permissions: [{ and_rules: { rules: [{ any: true }] } }],
        principals: [
          {
            and_ids: {
              ids: [
                {
                  or_ids: {
                    ids: [{ filter_state: { key: 'io.istio.peer_principal', string_match: { exact: SLEEP } } }],
                  },
                },
              ],
            },
          },
        ],
      },
      'ns[vanilla-playground]-policy[deny-admin]-rule[0]': {
        permissions: [
          { and_rules: { rules: [{ or_rules: { rules: [{ url_path: { path: { prefix: '/admin' } } }] } }] } },
        ],
        principals: [{ and_ids: { ids: [{ any: true }] } }],
      },
    },
  };
  for (const c of inboundChains(doc)) {
    const hcm = c.filters.find((f: any) => f.name === 'envoy.filters.network.http_connection_manager');
    if (hcm) hcm.typed_config.http_filters.splice(1, 0, rbac('http', rules));
    // on TCP chains Istio drops the HTTP-only rule (deny-admin) and keeps the principal rule
    else c.filters.splice(1, 0, rbac('network', { action: 'DENY', policies: { [DENY_ID]: rules.policies[DENY_ID] } }));
  }
  return doc;
}

/** An ALLOW policy admitting only namespace `istio-system` (the ingress gateway's), as a principal regex. */
export function helloAllowOnlyIstioSystem(): any {
  const doc = readJson(REAL.istio120sidecar);
  const rules = {
    policies: {
      'ns[vanilla-playground]-policy[from-gateway]-rule[0]': {
        permissions: [{ and_rules: { rules: [{ any: true }] } }],
        principals: [
          {
            and_ids: {
              ids: [
                {
                  or_ids: {
                    ids: [
                      {
                        filter_state: {
                          key: 'io.istio.peer_principal',
                          string_match: { safe_regex: { regex: '.*/ns/istio-system/.*' } },
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  };
  for (const c of inboundChains(doc)) {
    const hcm = c.filters.find((f: any) => f.name === 'envoy.filters.network.http_connection_manager');
    if (hcm) hcm.typed_config.http_filters.splice(1, 0, rbac('http', rules));
    else c.filters.splice(1, 0, rbac('network', rules));
  }
  return doc;
}
