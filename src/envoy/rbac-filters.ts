/**
 * The authorization filters of one chain, in the order Envoy runs them: network
 * `envoy.filters.network.rbac` / `ext_authz` on the filter chain, HTTP `envoy.filters.http.rbac` /
 * `ext_authz` in the HTTP connection manager, with per-route overrides (RBACPerRoute in
 * typed_per_filter_config: the most specific of route, virtual host, route configuration wins; an
 * RBACPerRoute without `rbac` disables the filter for the route).
 *
 * The first filter that denies ends the request (envoy source/extensions/filters/http/rbac/rbac_filter.cc:
 * 403 "RBAC: access denied", response code details `rbac_access_denied_matched_policy[<id>|none]`;
 * network: the connection is closed with the same termination details). Shadow rules are evaluated
 * and reported, never enforced; they publish `<shadow_rules_stat_prefix>shadow_effective_policy_id`
 * as dynamic metadata, which Istio's CUSTOM action uses to turn ext_authz on
 * (`filter_enabled_metadata`, prefix `istio-ext-authz`): an ext_authz call is `unknown` (pcx cannot
 * ask the provider) and names the provider's cluster.
 */
import type { Json } from '../model/envoy-types.js';
import { stringMatch, type Tri } from './string-match.js';
import { evaluateEngine, policyLabel, type EngineResult, type RbacAction, type RbacInput } from './rbac.js';

export type AuthzLayer = 'network' | 'http';

export interface AuthzStep {
  /** The filter's name in the chain. */
  filter: string;
  kind: 'rbac' | 'ext_authz';
  layer: AuthzLayer;
  result: 'allowed' | 'denied' | 'unknown' | 'skipped';
  /** The enforced engine's action (rbac). */
  action?: RbacAction;
  /** The deciding policy id (matched, or for an ALLOW miss: none). */
  policy?: string;
  /** One sentence: what matched, or the nearest miss. */
  why: string;
  /** rbac: where the config came from (the filter, or a per-route override). */
  source?: string;
  /** Shadow (dry-run) rules: what they would do; never enforced. */
  shadow?: {
    purpose: 'dry_run' | 'custom';
    action: RbacAction;
    result: 'allowed' | 'denied' | 'unknown';
    policy?: string;
    why: string;
  };
  /** ext_authz: the authorization service (its cluster or URI). */
  provider?: string;
  /** Istio CUSTOM policy that sent the request to ext_authz. */
  custom_policy?: string;
  /** Envoy's response code details when this step denies. */
  response_code_details?: string;
  engine?: EngineResult;
}

export interface AuthzOutcome {
  decision: 'allowed' | 'denied' | 'unknown';
  steps: AuthzStep[];
  /** The step that decided a denial, or the first unknown one. */
  deciding?: AuthzStep;
}

const RBAC_TYPE = /\.rbac\.v[0-9a-z]+\.RBAC$/;
const RBAC_PER_ROUTE = /\.rbac\.v[0-9a-z]+\.RBACPerRoute$/;
const EXT_AUTHZ_TYPE = /\.ext_authz\.v[0-9a-z]+\.ExtAuthz$/;

function typeOf(f: Json): string {
  const t = f?.typed_config?.['@type'] ?? '';
  return /TypedStruct$/.test(t) ? (f.typed_config.type_url ?? t) : t;
}

function configOf(f: Json): Json {
  const tc = f?.typed_config;
  if (tc && /TypedStruct$/.test(tc['@type'] ?? '')) return tc.value ?? {};
  return tc ?? f?.config ?? {};
}

export function isRbacFilter(f: Json): boolean {
  const t = typeOf(f);
  return t ? RBAC_TYPE.test(t) : /^envoy\.(filters\.(http|network)\.)?rbac$/.test(f?.name ?? '');
}

export function isExtAuthzFilter(f: Json): boolean {
  const t = typeOf(f);
  return t ? EXT_AUTHZ_TYPE.test(t) : /^envoy\.(filters\.(http|network)\.)?ext_authz$/.test(f?.name ?? '');
}

/** Does this chain or HCM hold any authorization filter? (cheap: explain skips the work otherwise) */
export function hasAuthzFilters(filters: Json[] | undefined): boolean {
  return (filters ?? []).some((f) => isRbacFilter(f) || isExtAuthzFilter(f));
}

/** The canonical metadata namespace the RBAC filter writes under (not the configured name). */
const META_NS: Record<AuthzLayer, string> = { http: 'envoy.filters.http.rbac', network: 'envoy.filters.network.rbac' };

type DynamicMetadata = Map<string, Map<string, string>>;

function verdictOfEngine(e: EngineResult): 'allowed' | 'denied' | 'unknown' {
  return e.allowed === true ? 'allowed' : e.allowed === false ? 'denied' : 'unknown';
}

function describeEngine(e: EngineResult): string {
  const m = e.matched;
  if (!e.policies.length)
    return e.action === 'ALLOW'
      ? 'ALLOW rules with no policies: nothing is allowed'
      : `${e.action} rules with no policies: nothing matches`;
  if (m) {
    const head =
      e.action === 'DENY'
        ? `DENY policy ${policyLabel(m.id)} matches`
        : e.action === 'ALLOW'
          ? `ALLOW policy ${policyLabel(m.id)} matches`
          : `LOG (AUDIT) policy ${policyLabel(m.id)} matches: the request is logged`;
    return `${head}: ${m.permission.why}; ${m.principal.why}`;
  }
  if (e.undecided.length) {
    const u = e.undecided[0];
    const cond =
      u.condition ??
      [u.permission, u.principal]
        .filter((r) => r.m !== true)
        .map((r) => r.why)
        .join('; ');
    return `${e.action} policy ${policyLabel(u.id)} may match: ${cond}`;
  }
  const n = e.nearest!;
  const failed = [n.permission, n.principal]
    .filter((r) => r.m === false)
    .map((r) => r.why)
    .join('; ');
  const lead =
    e.action === 'ALLOW'
      ? `no ALLOW policy matches (${e.policies.length})`
      : e.action === 'DENY'
        ? `no DENY policy matches (${e.policies.length})`
        : 'no LOG policy matches';
  return `${lead}; nearest: ${policyLabel(n.id)}: ${failed}`;
}

function runRbac(
  name: string,
  layer: AuthzLayer,
  cfg: Json,
  input: RbacInput,
  meta: DynamicMetadata,
  source: string,
): AuthzStep {
  const step: AuthzStep = { filter: name, kind: 'rbac', layer, result: 'allowed', why: '', source };
  if (cfg?.shadow_rules) {
    const s = evaluateEngine(cfg.shadow_rules, input);
    const prefix = String(cfg.shadow_rules_stat_prefix ?? '');
    if (s.matched) {
      let ns = meta.get(META_NS[layer]);
      if (!ns) meta.set(META_NS[layer], (ns = new Map()));
      ns.set(`${prefix}shadow_effective_policy_id`, s.matched.id);
    }
    // Istio's CUSTOM action rides on shadow rules (prefix istio_ext_authz_): they select, they do not dry-run
    const purpose = /ext_authz/.test(prefix) ? ('custom' as const) : ('dry_run' as const);
    step.shadow = {
      purpose,
      action: s.action,
      result: verdictOfEngine(s),
      ...(s.matched ? { policy: s.matched.id } : {}),
      why:
        purpose === 'custom'
          ? s.matched
            ? `CUSTOM policy ${policyLabel(s.matched.id)} applies`
            : s.undecided.length
              ? `CUSTOM policy ${policyLabel(s.undecided[0].id)} may apply`
              : 'no CUSTOM policy applies'
          : describeEngine(s),
    };
    // an undecided shadow match decides whether a CUSTOM ext_authz runs: remember that it is undecided
    if (!s.matched && s.undecided.length) {
      let ns = meta.get(META_NS[layer]);
      if (!ns) meta.set(META_NS[layer], (ns = new Map()));
      ns.set(`${prefix}shadow_effective_policy_id`, `\u0000unknown:${s.undecided[0].id}`);
    }
  }
  if (cfg?.matcher) {
    return {
      ...step,
      result: 'unknown',
      why: 'the RBAC filter uses an xDS matcher tree (matcher), which pcx does not evaluate',
    };
  }
  if (!cfg?.rules) {
    const why =
      step.shadow?.purpose === 'custom'
        ? `${step.shadow.why} (these shadow rules only choose which requests ext_authz checks)`
        : step.shadow
          ? `only shadow (dry-run) rules: nothing is enforced; they would say ${step.shadow.result}: ${step.shadow.why}`
          : 'no rules: nothing is enforced';
    return { ...step, result: 'allowed', why };
  }
  const e = evaluateEngine(cfg.rules, input);
  step.engine = e;
  step.action = e.action;
  step.result = verdictOfEngine(e);
  step.why = describeEngine(e);
  if (e.matched) step.policy = e.matched.id;
  if (step.result === 'denied')
    step.response_code_details = `rbac_access_denied_matched_policy[${e.matched?.id ?? 'none'}]`;
  return step;
}

function providerOf(cfg: Json): string {
  const g = cfg?.grpc_service;
  if (g?.envoy_grpc?.cluster_name) return g.envoy_grpc.cluster_name;
  if (g?.google_grpc?.target_uri) return g.google_grpc.target_uri;
  const h = cfg?.http_service?.server_uri;
  if (h) return h.cluster ?? h.uri ?? 'an HTTP service';
  return 'an external authorization service';
}

function metaValue(meta: DynamicMetadata, m: Json): string | undefined {
  const ns = meta.get(String(m?.filter ?? ''));
  const key = (m?.path ?? []).map((p: Json) => p?.key).join('.');
  return ns?.get(key);
}

function runExtAuthz(name: string, layer: AuthzLayer, cfg: Json, meta: DynamicMetadata, perRoute: Json): AuthzStep {
  const provider = providerOf(cfg);
  const step: AuthzStep = { filter: name, kind: 'ext_authz', layer, result: 'unknown', provider, why: '' };
  if (perRoute?.disabled === true)
    return { ...step, result: 'skipped', why: 'disabled for this route (ExtAuthzPerRoute)' };
  const fem = cfg?.filter_enabled_metadata;
  if (fem) {
    const v = metaValue(meta, fem);
    if (v?.startsWith('\u0000unknown:')) {
      const id = v.slice('\u0000unknown:'.length);
      return {
        ...step,
        custom_policy: id,
        why: `runs only if CUSTOM policy ${policyLabel(id)} matches, which pcx cannot decide; if it runs, ${provider} decides`,
      };
    }
    const sm = fem.value?.string_match;
    const on: Tri = v === undefined ? false : sm ? stringMatch(sm, v).matches : true;
    if (on === false)
      return {
        ...step,
        result: 'skipped',
        why: 'no CUSTOM policy applies to this request, so the external authorizer is not called',
      };
    if (v) step.custom_policy = v;
  }
  step.why = `${step.custom_policy ? `CUSTOM policy ${policyLabel(step.custom_policy)} applies: ` : ''}the request is sent to the external authorizer ${provider}, which pcx cannot ask`;
  return step;
}

/** The typed_per_filter_config entry for a filter, most specific first (route, virtual host, route configuration). */
function perFilterConfig(name: string, maps: (Record<string, Json> | undefined)[]): Json | undefined {
  for (let i = maps.length - 1; i >= 0; i--) {
    const c = maps[i]?.[name];
    if (c !== undefined) return c;
  }
  return undefined;
}

/**
 * Runs the authorization filters of `filters` in order (HCM http_filters or chain network filters).
 * `perFilter`: typed_per_filter_config maps from the least to the most specific.
 */
export function evaluateAuthzFilters(
  filters: Json[],
  layer: AuthzLayer,
  input: RbacInput,
  perFilter: (Record<string, Json> | undefined)[] = [],
  meta: DynamicMetadata = new Map(),
): AuthzOutcome {
  const steps: AuthzStep[] = [];
  for (const f of filters) {
    const rbac = isRbacFilter(f);
    const ext = !rbac && isExtAuthzFilter(f);
    if (!rbac && !ext) continue;
    const name = String(f.name ?? (rbac ? META_NS[layer] : 'ext_authz'));
    if (f.config_discovery) {
      steps.push({
        filter: name,
        kind: rbac ? 'rbac' : 'ext_authz',
        layer,
        result: 'unknown',
        why: 'its config is delivered separately (ECDS) and is not in this part of the dump',
      });
      continue;
    }
    let over = layer === 'http' ? perFilterConfig(name, perFilter) : undefined;
    // envoy.config.route.v3.FilterConfig wraps the per-route config and can disable the filter
    if (over && /\.FilterConfig$/.test(over['@type'] ?? '')) {
      if (over.disabled === true) {
        steps.push({
          filter: name,
          kind: rbac ? 'rbac' : 'ext_authz',
          layer,
          result: 'skipped',
          why: 'disabled for this route (FilterConfig.disabled)',
        });
        continue;
      }
      over = over.config;
    }
    if (f.disabled === true && over === undefined) {
      steps.push({
        filter: name,
        kind: rbac ? 'rbac' : 'ext_authz',
        layer,
        result: 'skipped',
        why: 'disabled by default, and this route does not enable it',
      });
      continue;
    }
    if (rbac) {
      if (over !== undefined && (RBAC_PER_ROUTE.test(over['@type'] ?? '') || 'rbac' in over)) {
        if (!over.rbac) {
          steps.push({
            filter: name,
            kind: 'rbac',
            layer,
            result: 'skipped',
            why: 'disabled for this route (RBACPerRoute without rbac)',
            source: 'per-route',
          });
          continue;
        }
        steps.push(runRbac(name, layer, over.rbac, input, meta, 'per-route override (RBACPerRoute)'));
      } else {
        steps.push(runRbac(name, layer, configOf(f), input, meta, 'filter config'));
      }
    } else {
      steps.push(runExtAuthz(name, layer, configOf(f), meta, over));
    }
    if (steps[steps.length - 1].result === 'denied') break;
  }
  const denied = steps.find((s) => s.result === 'denied');
  const unknown = steps.find((s) => s.result === 'unknown');
  if (denied) return { decision: 'denied', steps, deciding: denied };
  if (unknown) return { decision: 'unknown', steps, deciding: unknown };
  return { decision: 'allowed', steps };
}
