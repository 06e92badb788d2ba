/**
 * Authorization on the path (issue 16): the chain's network RBAC / ext_authz filters once the
 * filter chain is known, the HCM's HTTP ones once the route is known (per-route overrides), each
 * shown as an `authorization` hop. A denial is the verdict `denied` (HTTP 403 with Envoy's response
 * code details, or the connection closed); an undecidable filter makes a passing verdict `unknown`
 * with what to pass (--from, --jwt-claim, --source-ip) or whom to ask (an ext_authz provider).
 */
import type { FilterChain, Json } from '../model/envoy-types.js';
import type { HcmInfo } from '../envoy/network-filters.js';
import type { HttpRequest } from '../envoy/route-match.js';
import {
  evaluateAuthzFilters,
  hasAuthzFilters,
  isExtAuthzFilter,
  isRbacFilter,
  type AuthzOutcome,
  type AuthzStep,
} from '../envoy/rbac-filters.js';
import { parseIstioPolicyId, policyLabel, type RbacInput } from '../envoy/rbac.js';
import { isProblem } from './verdict.js';
import type { AuthorizationOut, AuthzFilterOut, IstioRef, Verdict } from './result.js';
import { type Ctx, verdictOf, uncertain } from './context.js';
import { terminatesTls } from '../envoy/filter-chain.js';

interface AuthzState {
  /** The peer identity as the chain sees it (null: no client certificate; undefined: not known). */
  peer?: string | null;
  peerSource: string;
  mtls: boolean;
  filters: AuthzFilterOut[];
  pending?: { summary: string; next: string };
  decision?: AuthorizationOut['decision'];
  policy?: string;
  /** Shared dynamic metadata between filters of one request (shadow policy ids → ext_authz). */
  meta: Map<string, Map<string, string>>;
}

const states = new WeakMap<Ctx, AuthzState>();

function requireClientCert(chain: FilterChain): boolean {
  const tc = chain.transport_socket?.typed_config ?? chain.tls_context ?? {};
  const v = tc.require_client_certificate;
  return (v?.value ?? v) === true;
}

/** Who the client is, as the server's RBAC will see it. */
function peerOf(ctx: Ctx, chain: FilterChain): Pick<AuthzState, 'peer' | 'peerSource' | 'mtls'> {
  const from = ctx.req.from;
  const tls = terminatesTls(chain) && ctx.conn?.transport === 'tls';
  if (!tls) {
    if (from)
      ctx.tr.warn(
        `--from ${from} plays no part: the connection is plaintext here, so the server sees no client identity`,
      );
    return { peer: null, peerSource: 'none: the connection is plaintext (no client certificate)', mtls: false };
  }
  if (from) return { peer: from, peerSource: ctx.req.fromSource ?? '--from', mtls: true };
  if (requireClientCert(chain))
    return {
      peer: undefined,
      peerSource: 'not known: the chain requires a client certificate, and --from was not given',
      mtls: true,
    };
  return {
    peer: null,
    peerSource: 'none: the TLS chain does not ask for a client certificate (pass --from if the client sends one)',
    mtls: true,
  };
}

function claimsOf(ctx: Ctx): Map<string, string[]> | undefined {
  const list = ctx.req.jwtClaims;
  if (!list?.length) return undefined;
  const m = new Map<string, string[]>();
  for (const kv of list) {
    const i = kv.indexOf('=');
    const k = i < 0 ? kv : kv.slice(0, i);
    m.set(k, [...(m.get(k) ?? []), i < 0 ? '' : kv.slice(i + 1)]);
  }
  return m;
}

function inputOf(ctx: Ctx, st: AuthzState, http?: HttpRequest): RbacInput {
  const c = ctx.conn;
  // the SNI an Istio client sets (outbound_.<port>_._.<host>) is known only when given or followed from the client
  const sni = ctx.req.sni ?? (c?.transport === 'tls' ? c.sni : '');
  return {
    peerPrincipal: st.peer,
    sourceIp: ctx.req.sourceIp,
    destinationIp: ctx.ip,
    destinationPort: ctx.port,
    sni,
    ...(http ? { headers: http.headers, path: http.path } : {}),
    jwtClaims: claimsOf(ctx),
  };
}

function refOf(id: string | undefined): IstioRef[] {
  const p = id ? parseIstioPolicyId(id) : undefined;
  return p
    ? [{ kind: 'AuthorizationPolicy', namespace: p.namespace, name: p.name, api_version: 'security.istio.io/v1' }]
    : [];
}

function outOf(s: AuthzStep): AuthzFilterOut {
  return {
    filter: s.filter,
    layer: s.layer,
    kind: s.kind,
    result: s.result,
    why: s.why,
    ...(s.action ? { action: s.action } : {}),
    ...(s.policy ? { policy: s.policy } : {}),
    ...(s.source ? { source: s.source } : {}),
    ...(s.shadow
      ? {
          shadow: {
            purpose: s.shadow.purpose,
            action: s.shadow.action,
            result: s.shadow.result,
            ...(s.shadow.policy ? { policy: s.shadow.policy } : {}),
            why: s.shadow.why,
          },
        }
      : {}),
    ...(s.provider ? { provider: s.provider } : {}),
    ...(s.custom_policy ? { custom_policy: s.custom_policy } : {}),
    ...(s.response_code_details ? { response_code_details: s.response_code_details } : {}),
  };
}

/** What to change or pass, for a denial or an undecided step. */
function nextStep(s: AuthzStep, layer: 'network' | 'http'): string {
  if (s.kind === 'ext_authz')
    return `the external authorizer ${s.provider} decides: check its logs, or the CUSTOM AuthorizationPolicy${s.custom_policy ? ` ${policyLabel(s.custom_policy)}` : ''}`;
  const why = s.why;
  if (s.result === 'unknown') {
    const flags = [
      /--from/.test(why) ? '--from spiffe://<trust domain>/ns/<ns>/sa/<sa>' : '',
      /--jwt-claim/.test(why) ? '--jwt-claim <claim>=<value>' : '',
      /--source-ip/.test(why) ? '--source-ip <client IP>' : '',
      /--sni/.test(why) ? '--sni <name>' : '',
    ].filter(Boolean);
    return flags.length
      ? `pass ${flags.join(' and ')} to decide it`
      : `read the RBAC config: pcx listeners <dump> -o json`;
  }
  const p = s.policy ? parseIstioPolicyId(s.policy) : undefined;
  if (s.action === 'DENY')
    return p
      ? `AuthorizationPolicy ${p.namespace}/${p.name} (DENY, rule ${p.rule}) refuses it: change that rule, or call from a client it does not name`
      : `RBAC policy ${s.policy} (DENY) refuses it`;
  const n = s.engine?.nearest ? parseIstioPolicyId(s.engine.nearest.id) : undefined;
  return n
    ? `no ALLOW policy admits this ${layer === 'http' ? 'request' : 'connection'}; the nearest is AuthorizationPolicy ${n.namespace}/${n.name} rule ${n.rule}: add a rule that admits it, or call with an identity and request it admits`
    : `no ALLOW policy admits this ${layer === 'http' ? 'request' : 'connection'}${s.engine?.policies.length === 0 ? ' (the ALLOW rules are empty: an ALLOW policy exists whose rules do not apply here, e.g. HTTP-only fields on a TCP port)' : ''}: add an ALLOW rule for it`;
}

function record(ctx: Ctx, st: AuthzState, out: AuthzOutcome, layer: 'network' | 'http'): Verdict | undefined {
  for (const s of out.steps) {
    st.filters.push(outOf(s));
    // a filter that enforces nothing for this request (no rules, nothing in shadow) is listed in JSON only
    if (s.kind === 'rbac' && s.result === 'allowed' && !s.engine && !s.shadow) continue;
    const shadow =
      s.shadow && s.shadow.purpose === 'dry_run'
        ? `; dry-run (shadow) rules would say ${s.shadow.result}: ${s.shadow.why}`
        : '';
    ctx.tr.hop({
      kind: 'authorization',
      name: s.filter,
      reason: `${s.result.toUpperCase()}: ${s.why}${shadow}`,
      istio: refOf(s.policy ?? s.custom_policy ?? (s.result === 'denied' ? s.engine?.nearest?.id : undefined)),
      details: ctx.tr.verdictOnly
        ? {}
        : {
            layer,
            ...(s.action ? { action: s.action } : {}),
            ...(s.source && s.source !== 'filter config' ? { config: s.source } : {}),
            ...(s.provider ? { provider: s.provider } : {}),
            client: st.peer ?? st.peerSource,
          },
    });
  }
  if (out.decision === 'denied') {
    const s = out.deciding!;
    st.decision = 'denied';
    st.policy = s.policy ?? 'none';
    const nearest = s.engine?.nearest?.id;
    const who =
      s.action === 'DENY'
        ? `DENY policy ${policyLabel(s.policy!)} matches`
        : s.engine && !s.engine.policies.length
          ? 'its ALLOW rules are empty, so nothing is allowed'
          : `no ALLOW policy matches${nearest ? ` (nearest: ${nearest})` : ''}`;
    const details = s.response_code_details ? ` (${s.response_code_details})` : '';
    if (layer === 'http') {
      return verdictOf(
        'denied',
        `${s.filter} denies the request: ${who}; Envoy answers 403 "RBAC: access denied"${details}`,
        {
          http_status: 403,
          response_code_details: s.response_code_details,
          next_step: nextStep(s, layer),
        },
      );
    }
    return verdictOf('denied', `${s.filter} denies the connection: ${who}; Envoy closes it${details}`, {
      response_code_details: s.response_code_details,
      next_step: nextStep(s, layer),
    });
  }
  if (out.decision === 'unknown' && !st.pending) {
    const s = out.deciding!;
    st.pending = { summary: `${s.filter}: ${s.why}`, next: nextStep(s, layer) };
  }
  return undefined;
}

function state(ctx: Ctx): AuthzState {
  let st = states.get(ctx);
  if (!st) states.set(ctx, (st = { peerSource: 'not evaluated', mtls: false, filters: [], meta: new Map() }));
  return st;
}

/** Network RBAC / ext_authz of the chosen chain; remembers who the client is for the HTTP filters. */
export function authorizeConnection(ctx: Ctx, chain: FilterChain): Verdict | undefined {
  const st = state(ctx);
  Object.assign(st, peerOf(ctx, chain));
  if (!hasAuthzFilters(chain.filters)) return undefined;
  return record(
    ctx,
    st,
    evaluateAuthzFilters(chain.filters ?? [], 'network', inputOf(ctx, st), [], st.meta),
    'network',
  );
}

/** HTTP RBAC / ext_authz of the HCM for this request; `perFilter`: route configuration, virtual host, route. */
export function authorizeRequest(
  ctx: Ctx,
  hcm: HcmInfo,
  perFilter: (Record<string, Json> | undefined)[],
  request: HttpRequest,
): Verdict | undefined {
  // a v2 `config` Struct may hold one filter where the list belongs (model/validate.ts)
  const filters: Json[] = [hcm.config?.http_filters ?? []].flat();
  if (!hasAuthzFilters(filters)) return undefined;
  const st = state(ctx);
  return record(ctx, st, evaluateAuthzFilters(filters, 'http', inputOf(ctx, st, request), perFilter, st.meta), 'http');
}

/** "HTTP filter <name>: …" warnings that an evaluated authorization hop now answers. */
export function evaluatedByAuthz(warning: string): boolean {
  const name = warning.split(':')[0];
  return isRbacFilter({ name }) || isExtAuthzFilter({ name });
}

/** A passing verdict behind an undecided authorization filter is not a pass: it is `unknown`. */
export function finishAuthorization(ctx: Ctx, v: Verdict): Verdict {
  const st = states.get(ctx);
  if (!st?.pending || v.kind === 'denied') return v;
  st.decision = 'unknown';
  if (isProblem(v.kind, v.http_status)) {
    ctx.tr.warn(`authorization was not decided (${st.pending.summary})`);
    return v;
  }
  return uncertain(v, `authorization is not decided (${st.pending.summary}); if it allows the request: ${v.summary}`, {
    next_step: st.pending.next,
  });
}

/** The `authorization` section of the result, when the path holds authorization filters. */
export function authorizationOf(ctx: Ctx): AuthorizationOut | undefined {
  const st = states.get(ctx);
  if (!st?.filters.length) return undefined;
  const decision = st.decision ?? (st.filters.some((f) => f.result === 'unknown') ? 'unknown' : 'allowed');
  return {
    decision,
    client: st.peer ?? null,
    client_source: st.peerSource,
    ...(st.policy ? { policy: st.policy } : {}),
    filters: st.filters,
  };
}
