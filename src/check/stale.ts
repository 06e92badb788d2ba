/**
 * PCX160, PCX161: inconsistent config. RDS route configurations no listener names (Envoy drops
 * unused RDS subscriptions), and listeners that name a route configuration the dump does not have
 * (Envoy serves them with an empty table after the initial fetch timeout: 404 NR).
 *
 * Version skew between resources is not judged: Envoy keeps the version_info of a resource that a
 * push did not change, so old per-resource versions are normal, and the section-level version_info
 * (which would show a proxy that stopped taking one type) is not in the model.
 */
import { finding, type CheckCtx } from './context.js';
import type { Finding } from './types.js';

export function staleFindings(ctx: CheckCtx): Finding[] {
  const { model } = ctx;
  const out: Finding[] = [];
  const haveListeners = model.sections.has('listeners');
  const haveRoutes = model.sections.has('routes');
  if (haveListeners && haveRoutes) {
    for (const r of model.routeConfigs) {
      if (r.state !== 'dynamic' || ctx.rdsNamesAnyState.has(r.name)) continue;
      out.push(
        finding(
          'PCX160',
          { type: 'route_config', name: r.name },
          `route configuration ${r.name} (RDS) is named by no listener: nothing routes with it`,
          {
            next_step:
              'usually harmless stale config; if a listener should use it, compare istioctl proxy-config listeners with the routes (a partial dump may have left listeners out)',
          },
        ),
      );
    }
    for (const [name, users] of ctx.rdsUsers) {
      if (model.routeConfig(name) || model.routeConfigs.some((r) => r.name === name && r.state === 'error')) continue;
      const ls = [...users].sort();
      out.push(
        finding(
          'PCX161',
          { type: 'route_config', name },
          `listener${ls.length === 1 ? '' : 's'} ${ls.slice(0, 5).join(', ')}${ls.length > 5 ? ` and ${ls.length - 5} more` : ''} route${ls.length === 1 ? 's' : ''} HTTP with RDS route configuration ${name}, which is not in the dump: 404 NR for every request`,
          {
            next_step:
              'check istioctl proxy-status for this proxy (RDS STALE or NOT SENT); if the dump was filtered (?name_regex, ?resource), take a full one',
            details: { listeners: ls },
          },
        ),
      );
    }
  }
  return out;
}
