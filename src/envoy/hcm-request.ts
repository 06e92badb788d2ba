/**
 * What the HTTP connection manager decides about a request before routing, as far as routing reads
 * it: the `x-forwarded-proto` the router compares for `require_tls`, and whether the request is
 * "internal" (`x-envoy-internal: true`) for `require_tls: EXTERNAL_ONLY`.
 *
 * Envoy, source/common/http/conn_manager_utility.cc `ConnectionManagerUtility::mutateRequestHeaders`:
 *  - a client's `x-envoy-internal` is always removed ("Clean proxy headers"); Envoy sets it back only
 *    when its own check says internal;
 *  - `use_remote_address: true` (the edge): x-forwarded-proto is overwritten from the connection
 *    ("If the prior hop is not a trusted proxy, overwrite any x-forwarded-proto ... as untrusted")
 *    when `xff_num_trusted_hops` is 0 or the header is absent; internal = the request had no
 *    x-forwarded-for (`allow_trusted_address_checks = ForwardedFor() == nullptr`) and the remote
 *    address (or the XFF entry `xff_num_trusted_hops` from the end) is an internal address;
 *  - otherwise the client's x-forwarded-proto stands (set from the connection only when absent), and
 *    internal comes from the original-IP detection (default: the XFF extension: the last XFF address,
 *    internal only when XFF holds a single address);
 *  - `scheme_header_transformation.scheme_to_overwrite` sets x-forwarded-proto last.
 * Internal addresses: `internal_address_config.cidr_ranges` when set; otherwise RFC1918 + loopback
 * before Envoy 1.33, none from 1.33 (envoy.reloadable_features.explicit_internal_address_config,
 * version_history v1.33.0 "RFC1918 addresses are no longer considered to be internal addresses by default").
 * The router then redirects when x-forwarded-proto != "https" (ALL), and also not internal (EXTERNAL_ONLY):
 * source/common/router/config_impl.cc `VirtualHostImpl::getRouteFromEntries`.
 */
import type { Json } from '../model/envoy-types.js';
import { numberOf, unwrap } from '../model/envoy-types.js';
import { cidrContains, formatCidr, parseIp } from './ip.js';

export interface HcmRequestInput {
  /** Does the downstream connection carry TLS (terminated by this chain)? */
  tls: boolean;
  /** Request headers, lower-case names. */
  headers: Map<string, string>;
  /** The downstream peer's IP, when known (--source-ip). */
  sourceIp?: string;
  /** "1.32.1" */
  envoyVersion?: string;
}

export interface HcmRequestView {
  /** The x-forwarded-proto the router sees. */
  forwardedProto: string;
  /** Which setting or header decided it, in words. */
  protoWhy: string;
  /** Will Envoy mark the request internal (x-envoy-internal: true)? undefined = cannot tell from the dump. */
  internal: boolean | undefined;
  internalWhy: string;
  /** What was assumed to decide (for the explanation's `assumed`). */
  assumed?: string;
}

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', 'fd00::/8', '::1/128'];

function versionBefore(v: string | undefined, major: number, minor: number): boolean | undefined {
  const m = /^(\d+)\.(\d+)/.exec(v ?? '');
  if (!m) return undefined;
  return Number(m[1]) < major || (Number(m[1]) === major && Number(m[2]) < minor);
}

/** Is `ip` internal for this HCM? undefined when the answer depends on something the dump does not hold. */
export function isInternalAddress(
  hcm: Json,
  ip: string,
  envoyVersion?: string,
): { internal: boolean | undefined; why: string } {
  const p = parseIp(ip);
  if (!p) return { internal: false, why: `${ip} is not an IP address` };
  const iac = hcm?.internal_address_config;
  if (iac && typeof iac === 'object') {
    const ranges: Json[] = iac.cidr_ranges ?? [];
    const hit = ranges.find((r) => cidrContains(r, p) !== undefined);
    return hit
      ? { internal: true, why: `${ip} is in internal_address_config ${formatCidr(hit)}` }
      : { internal: false, why: `${ip} is not in internal_address_config${ranges.length ? '' : ' (no cidr_ranges)'}` };
  }
  const rfc = RFC1918.some((c) => {
    const [a, l] = c.split('/');
    return cidrContains({ address_prefix: a, prefix_len: Number(l) }, p) !== undefined;
  });
  const before133 = versionBefore(envoyVersion, 1, 33);
  if (!rfc) return { internal: false, why: `${ip} is not a private (RFC1918/loopback) address` };
  if (before133 === true)
    return {
      internal: true,
      why: `${ip} is private, and Envoy ${envoyVersion} (< 1.33) trusts RFC1918 addresses when internal_address_config is not set (unless runtime explicit_internal_address_config is on)`,
    };
  if (before133 === false)
    return {
      internal: false,
      why: `Envoy ${envoyVersion} (≥ 1.33) trusts no address when internal_address_config is not set`,
    };
  return {
    internal: undefined,
    why: `${ip} is private: Envoy < 1.33 treats it as internal when internal_address_config is not set, 1.33 and later does not, and this dump does not say the Envoy version`,
  };
}

export function hcmRequestView(hcm: Json, req: HcmRequestInput): HcmRequestView {
  const connProto = req.tls ? 'https' : 'http';
  const edge = unwrap(hcm?.use_remote_address) === true;
  const trustedHops = numberOf(hcm?.xff_num_trusted_hops) ?? 0;
  const clientXfp = req.headers.get('x-forwarded-proto');
  const xff = req.headers.get('x-forwarded-for');
  let forwardedProto: string;
  let protoWhy: string;
  if (edge && (trustedHops === 0 || clientXfp === undefined)) {
    forwardedProto = connProto;
    protoWhy =
      clientXfp !== undefined
        ? `the HTTP connection manager is the edge (use_remote_address: true, xff_num_trusted_hops 0): it replaces the client's x-forwarded-proto: ${clientXfp} with ${connProto}, from the ${req.tls ? 'TLS' : 'plaintext'} connection`
        : `x-forwarded-proto is ${connProto}, from the ${req.tls ? 'TLS' : 'plaintext'} connection`;
  } else if (clientXfp !== undefined) {
    forwardedProto = clientXfp;
    protoWhy = edge
      ? `the client's x-forwarded-proto: ${clientXfp} is kept (use_remote_address: true, but xff_num_trusted_hops ${trustedHops} trusts the hop before)`
      : `the client's x-forwarded-proto: ${clientXfp} is kept: the HTTP connection manager is not the edge (use_remote_address is not set), so it trusts the header`;
  } else {
    forwardedProto = connProto;
    protoWhy = `x-forwarded-proto is ${connProto}, from the ${req.tls ? 'TLS' : 'plaintext'} connection (the request sends none)`;
  }
  const overwrite = hcm?.scheme_header_transformation?.scheme_to_overwrite;
  if (typeof overwrite === 'string' && overwrite) {
    forwardedProto = overwrite;
    protoWhy = `scheme_header_transformation.scheme_to_overwrite sets x-forwarded-proto to ${overwrite}`;
  }

  const clientInternal = req.headers.has('x-envoy-internal')
    ? " (the client's own x-envoy-internal header is always removed)"
    : '';
  let internal: boolean | undefined;
  let internalWhy: string;
  let assumed: string | undefined;
  if (edge) {
    if (xff !== undefined) {
      internal = false;
      internalWhy = `the request already carries x-forwarded-for, so the edge does not trust it as internal${clientInternal}`;
    } else if (trustedHops > 0) {
      internal = false;
      internalWhy = `xff_num_trusted_hops ${trustedHops} asks for an x-forwarded-for the request does not carry${clientInternal}`;
    } else if (req.sourceIp) {
      const a = isInternalAddress(hcm, req.sourceIp, req.envoyVersion);
      internal = a.internal;
      internalWhy = `the client address ${a.why}${clientInternal}`;
    } else {
      internal = false;
      internalWhy = `the client is taken as external (use_remote_address: true judges the peer address; pass --source-ip to check one)${clientInternal}`;
      assumed =
        "the client address is external (not in the HTTP connection manager's internal addresses); pass --source-ip to evaluate one";
    }
  } else if (Array.isArray(hcm?.original_ip_detection_extensions) && hcm.original_ip_detection_extensions.length) {
    internal = undefined;
    internalWhy = `original_ip_detection_extensions (${hcm.original_ip_detection_extensions.map((e: Json) => e?.name ?? '?').join(', ')}) decide the client address, which pcx does not evaluate`;
  } else if (xff === undefined) {
    internal = false;
    internalWhy = `not the edge (use_remote_address is not set) and the request has no x-forwarded-for: Envoy treats it as external${clientInternal}`;
  } else {
    const addrs = xff
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const pick = addrs[addrs.length - 1 - trustedHops];
    if (addrs.length !== 1 || !pick) {
      internal = false;
      internalWhy = `x-forwarded-for holds ${addrs.length} addresses: only a single one can make the request internal${clientInternal}`;
    } else {
      const a = isInternalAddress(hcm, pick, req.envoyVersion);
      internal = a.internal;
      internalWhy = `x-forwarded-for ${pick}: ${a.why}${clientInternal}`;
    }
  }
  return { forwardedProto, protoWhy, internal, internalWhy, ...(assumed ? { assumed } : {}) };
}

export type TlsRequirement = { redirect: boolean | undefined; why: string };

/** `require_tls` of a virtual host for this request (config_impl.cc getRouteFromEntries, "First check for ssl redirect"). */
export function tlsRequirement(requireTls: string | undefined, view: HcmRequestView): TlsRequirement | undefined {
  if (requireTls !== 'ALL' && requireTls !== 'EXTERNAL_ONLY') return undefined;
  const https = view.forwardedProto === 'https';
  if (https) return { redirect: false, why: `require_tls: ${requireTls} is met: ${view.protoWhy}` };
  if (requireTls === 'ALL') return { redirect: true, why: `require_tls: ALL and ${view.protoWhy}` };
  if (view.internal === true)
    return { redirect: false, why: `require_tls: EXTERNAL_ONLY exempts internal requests: ${view.internalWhy}` };
  if (view.internal === undefined)
    return {
      redirect: undefined,
      why: `require_tls: EXTERNAL_ONLY redirects only external requests, and ${view.internalWhy}`,
    };
  return {
    redirect: true,
    why: `require_tls: EXTERNAL_ONLY, the request is external (${view.internalWhy}), and ${view.protoWhy}`,
  };
}
