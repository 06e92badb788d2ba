/**
 * Compares what an access-log line says happened with what this config gives for the same request:
 * response code, response flags, route name, upstream cluster, upstream host (still an endpoint?
 * healthy?). The replay is `reproduced`, `not_reproduced` (the difference in words) or
 * `cannot_tell` (what is missing).
 *
 * Flags fall in three groups (Envoy access-log usage, "response flags"):
 * - decided by the config pcx reads: NR (no route / no filter chain), NC (no cluster), UH (no
 *   healthy host, from EDS health);
 * - decided by a filter pcx does not evaluate (RBAC 403, ext_authz UAEX, rate limits RL, faults
 *   FI/DI): the line cannot be confirmed from the routing alone;
 * - decided at run time (UF, URX, UT, UC, UR, DC, UO, LR, …): the config cannot produce or rule
 *   them out; the replay checks the routing that led there.
 */
import type { EndpointOut, ExplainResult } from '../explain/result.js';
import { verdictHeadline } from '../explain/verdict.js';
import { RESPONSE_FLAGS } from '../render/response-flags.js';
import { explainDetails, splitDetails } from '../render/response-details.js';
import type { LogFields } from './log-formats.js';
import { present } from './request-from-log.js';

export type ReplayOutcome = 'reproduced' | 'not_reproduced' | 'cannot_tell';

export interface ReplayComparison {
  outcome: ReplayOutcome;
  /** One sentence: why this outcome. */
  summary: string;
  differences: string[];
  /** What the line or the dump lacks (cannot_tell), or checks left undone. */
  missing: string[];
  notes: string[];
  /** Is the logged upstream host still an endpoint of the logged cluster, and healthy? */
  upstream_host_now?: 'healthy endpoint' | 'unhealthy endpoint' | 'not an endpoint' | 'unknown';
}

const CONFIG_FLAGS = new Set(['NR', 'NC', 'UH', 'NFCF']);
const FILTER_FLAGS = new Set(['UAEX', 'RL', 'RLSE', 'FI', 'DI']);

export function loggedFlags(f: LogFields): string[] {
  return present(f.response_flags)
    ? f.response_flags
        .split(/[,|]/)
        .map((x) => x.trim())
        .filter((x) => x && x !== '-')
    : [];
}

function hopName(r: ExplainResult, kind: string): string | undefined {
  return r.hops.find((h) => h.kind === kind)?.name;
}

function describe(r: ExplainResult): string {
  const v = r.verdict;
  const route = hopName(r, 'route');
  return `${verdictHeadline(v)}${route ? ` (route ${route})` : ''}: ${v.summary}`;
}

export function compareWithLog(r: ExplainResult, f: LogFields): ReplayComparison {
  const v = r.verdict;
  const flags = loggedFlags(f);
  const code = present(f.response_code) ? Number(f.response_code) : undefined;
  const details = present(f.response_code_details) ? f.response_code_details : undefined;
  const stem = details ? splitDetails(details).stem : undefined;
  const differences: string[] = [];
  const missing: string[] = [];
  const notes: string[] = [];
  let cannotTell: string | undefined;
  const clusters = v.clusters.map((c) => c.name);
  const loggedCluster = present(f.upstream_cluster) ? f.upstream_cluster : undefined;

  if (v.kind === 'unknown') {
    return {
      outcome: 'cannot_tell',
      summary: `pcx cannot follow this request in the dump: ${v.summary}`,
      differences,
      missing: v.next_step ? [v.next_step] : [],
      notes,
    };
  }

  // routing: the cluster and the route the line names
  if (loggedCluster && clusters.length && !clusters.includes(loggedCluster)) {
    differences.push(
      `logged upstream cluster ${loggedCluster}; this config sends the request to ${clusters.join(', ')}${v.clusters.length > 1 ? ' (a weighted split)' : ''}: the routing changed after the line was logged, or the request differed (Host ${f.authority ?? '?'}, path, headers)`,
    );
  }
  const routeHop = r.hops.find((h) => h.kind === 'route');
  if (present(f.route_name) && routeHop && routeHop.name !== f.route_name) {
    differences.push(
      `logged route ${f.route_name}; this config picks route ${routeHop.name} in virtual host ${hopName(r, 'virtual_host') ?? '?'}`,
    );
  }

  const routed = ['routed', 'passthrough'].includes(v.kind);
  if (flags.includes('NR') || stem === 'route_not_found' || stem === 'filter_chain_not_found') {
    if (v.response_flag !== 'NR')
      differences.push(
        `logged NR (no route${stem === 'filter_chain_not_found' ? ' / no filter chain' : ''}); this config gives ${describe(r)}: a route for this request was added after the line was logged, or the request differed (Host "${f.authority ?? '?'}", path ${f.path ?? '?'})`,
      );
  } else if (flags.includes('NC') || stem === 'cluster_not_found') {
    if (v.kind !== 'cluster_not_found')
      differences.push(
        `logged NC (cluster not found${loggedCluster ? ` for ${loggedCluster}` : ''}); this config gives ${describe(r)}: the cluster was pushed after the line was logged`,
      );
  } else if (flags.includes('UH') || stem === 'no_healthy_upstream') {
    const vc = loggedCluster
      ? v.clusters.find((c) => c.name === loggedCluster)
      : v.clusters.length === 1
        ? v.clusters[0]
        : undefined;
    if (v.kind === 'no_healthy_endpoints' || v.kind === 'blackhole') {
      // reproduced
    } else if (!vc) {
      if (!differences.length) differences.push(`logged UH; this config gives ${describe(r)}`);
    } else if (!vc.endpoints_known || vc.endpoints_healthy === undefined) {
      cannotTell = `logged UH on ${vc.name}; this config routes there, but the dump holds no endpoint health for it`;
      missing.push(
        'the endpoints: capture with istioctl proxy-config all <pod> -o json (EDS) or pass --clusters with /clusters output',
      );
    } else if (vc.endpoints_healthy > 0) {
      differences.push(
        `logged UH on ${vc.name}; this config routes ${clusters.length === 1 ? 'there too, and it' : `to ${clusters.join(', ')}, and ${vc.name}`} has ${vc.endpoints_healthy} healthy endpoint${vc.endpoints_healthy === 1 ? '' : 's'} (of ${vc.endpoints_total}): endpoint health or config changed after the line was logged`,
      );
    }
  } else {
    const served =
      code !== undefined && code > 0 && (stem === 'via_upstream' || (!details && loggedCluster !== undefined));
    if (!routed && v.kind !== 'direct_response' && v.kind !== 'redirect' && (served || !flags.length)) {
      differences.push(
        `logged ${code ?? '?'}${flags.length ? ' ' + flags.join(',') : ''}${details ? ` (${details})` : ''}${loggedCluster ? ` from ${loggedCluster}` : ''}; this config gives ${describe(r)}`,
      );
    } else if (
      (v.kind === 'direct_response' || v.kind === 'redirect') &&
      code !== undefined &&
      v.http_status !== undefined &&
      code !== v.http_status
    ) {
      differences.push(`logged ${code}; this config answers ${v.http_status} itself (${describe(r)})`);
    }
    for (const fl of flags) {
      if (FILTER_FLAGS.has(fl)) {
        cannotTell ??= `logged ${fl} (${RESPONSE_FLAGS[fl] ?? fl}); pcx follows the routing, not the filter that decides ${fl}`;
      } else if (!CONFIG_FLAGS.has(fl)) {
        notes.push(
          `${fl} (${RESPONSE_FLAGS[fl] ?? 'see pcx flags'}) happens at run time: a config dump cannot produce or rule it out; the routing that led there is what was checked`,
        );
      }
    }
    if (stem?.startsWith('rbac_access_denied')) {
      cannotTell ??= `logged ${code ?? 403} ${details}: an AuthorizationPolicy (RBAC filter) denied it, which this replay does not evaluate`;
      missing.push('RBAC evaluation: read the policy named in the details (kubectl get authorizationpolicy -A)');
    }
  }

  // the upstream host: still an endpoint of the cluster, and healthy?
  let hostNow: ReplayComparison['upstream_host_now'];
  const hostCluster = loggedCluster ?? (clusters.length === 1 ? clusters[0] : undefined);
  if (
    present(f.upstream_host) &&
    hostCluster &&
    clusters.includes(hostCluster) &&
    !/Passthrough|BlackHole|^inbound\|/i.test(hostCluster)
  ) {
    const ep = r.hops.find((h) => h.kind === 'endpoints' && h.name === hostCluster);
    const known = v.clusters.find((c) => c.name === hostCluster)?.endpoints_known;
    const found: EndpointOut | undefined = ep?.endpoints?.find((e) => e.address === f.upstream_host);
    if (!ep || !known) hostNow = 'unknown';
    else if (!found) {
      hostNow = 'not an endpoint';
      notes.push(
        `upstream host ${f.upstream_host} is no longer an endpoint of ${hostCluster} (${ep.endpoints?.length ?? 0} now): the endpoints changed after the line was logged`,
      );
    } else {
      hostNow = found.usable ? 'healthy endpoint' : 'unhealthy endpoint';
      if (!found.usable)
        notes.push(
          `upstream host ${f.upstream_host} is an endpoint of ${hostCluster} but now ${found.health} (${found.detail})`,
        );
    }
  }

  for (const fl of flags)
    if (RESPONSE_FLAGS[fl] === undefined)
      notes.push(`${fl}: not a response flag pcx knows (see Envoy's access-log docs)`);
  if (details) {
    const d = explainDetails(details);
    if (d && stem !== 'via_upstream') notes.push(d);
  }

  if (differences.length)
    return {
      outcome: 'not_reproduced',
      summary: differences[0],
      differences,
      missing,
      notes,
      ...(hostNow ? { upstream_host_now: hostNow } : {}),
    };
  if (cannotTell)
    return {
      outcome: 'cannot_tell',
      summary: cannotTell,
      differences,
      missing,
      notes,
      ...(hostNow ? { upstream_host_now: hostNow } : {}),
    };
  const where = clusters.length ? ` → ${clusters.join(', ')}` : '';
  return {
    outcome: 'reproduced',
    summary: `this config gives what the line says: ${verdictHeadline(v)}${routeHop ? ` via route ${routeHop.name}` : ''}${where}`,
    differences,
    missing,
    notes,
    ...(hostNow ? { upstream_host_now: hostNow } : {}),
  };
}
