/**
 * Parsed ztunnel document → ZtunnelModel: ztunnel's own view of the mesh (workloads, services, L4
 * authorization policies, certificates, per-workload connection state), normalised once.
 *
 * Shapes accepted (ztunnel ≥ 1.22, camelCase as serde writes it): each collection as a list (what
 * ztunnel serialises) or as a map keyed `network/IP`, `/VIP` or UID (older dumps, and istioctl's
 * testdata); `istioctl ztunnel-config <kind> -o json` lists of one kind. Keys are matched
 * case-insensitively, as Go's encoding/json (and so istioctl) matches them.
 * Anything else (a collection that is a string or a number, an element that is not an object)
 * is an InputError naming the field: one line, exit 2.
 */
import { InputError } from '../errors.js';
import type { Json } from '../model/envoy-types.js';
import { ztunnelShape, type ZtunnelShape } from './detect.js';

export type ZtunnelSection = 'workloads' | 'services' | 'policies' | 'certificates' | 'workloadState' | 'version';

/** A waypoint or network gateway reference: `network/IP` or `namespace/hostname`, and its HBONE port. */
export interface GatewayRef {
  destination: string;
  port?: number;
}

export interface ZWorkload {
  uid: string;
  name: string;
  namespace: string;
  ips: string[];
  hostname: string;
  network: string;
  /** HBONE (captured by ztunnel, mTLS) or TCP (not in ambient); as the dump writes it. */
  protocol: string;
  node: string;
  /** "Healthy" | "Unhealthy" (ztunnel's default is Healthy). */
  status: string;
  serviceAccount: string;
  trustDomain: string;
  waypoint?: GatewayRef;
  networkGateway?: GatewayRef;
  /** `namespace/name` of WorkloadSelector-scoped policies that select this workload. */
  authorizationPolicies: string[];
  workloadName: string;
  workloadType: string;
  canonicalName: string;
  clusterId: string;
  capacity: number;
  locality: { region: string; zone: string; subzone: string };
  applicationTunnel?: { protocol: string; port?: number };
  raw: Json;
}

export interface ZEndpoint {
  workloadUid: string;
  address?: string;
  /** service port → target port */
  ports: Map<number, number>;
  status?: string;
}

export interface ZService {
  name: string;
  namespace: string;
  hostname: string;
  /** `network/IP` as ztunnel writes them. */
  vips: string[];
  /** service port → target port (0: the endpoint's own mapping decides). */
  ports: Map<number, number>;
  endpoints: ZEndpoint[];
  waypoint?: GatewayRef;
  loadBalancer?: { mode: string; routingPreferences: string[]; healthPolicy: string };
  subjectAltNames: string[];
  visibility: string;
  raw: Json;
}

export interface ZStringMatch {
  kind: 'Exact' | 'Prefix' | 'Suffix' | 'Presence';
  value: string;
}
export interface ZServiceAccountMatch {
  namespace: string;
  serviceAccount: string;
}

/** One match group of a rule clause (rbac.rs `RbacMatch`): every non-empty field must match. */
export interface ZMatch {
  namespaces: ZStringMatch[];
  notNamespaces: ZStringMatch[];
  principals: ZStringMatch[];
  notPrincipals: ZStringMatch[];
  serviceAccounts: ZServiceAccountMatch[];
  notServiceAccounts: ZServiceAccountMatch[];
  sourceIps: string[];
  notSourceIps: string[];
  destinationIps: string[];
  notDestinationIps: string[];
  destinationPorts: number[];
  notDestinationPorts: number[];
}

export interface ZPolicy {
  name: string;
  namespace: string;
  /** Global | Namespace | WorkloadSelector */
  scope: string;
  /** Allow | Deny */
  action: string;
  /** rules → clauses → match groups (ztunnel's `Vec<Vec<Vec<RbacMatch>>>`). */
  rules: ZMatch[][][];
  dryRun: boolean;
  raw: Json;
}

export interface ZCert {
  pem: string;
  serialNumber: string;
  validFrom: string;
  expirationTime: string;
}

export interface ZCertificate {
  identity: string;
  state: string;
  certChain: ZCert[];
  rootCerts: ZCert[];
  raw: Json;
}

export interface ZConnection {
  src: string;
  originalDst: string;
  actualDst: string;
  protocol: string;
}

export interface ZWorkloadState {
  state: string;
  inbound?: ZConnection[];
  outbound?: ZConnection[];
  info: { name: string; namespace: string; trustDomain: string; serviceAccount: string };
}

export interface ZtunnelModel {
  origin: string;
  shape: ZtunnelShape;
  sections: Set<ZtunnelSection>;
  workloads: ZWorkload[];
  services: ZService[];
  policies: ZPolicy[];
  certificates: ZCertificate[];
  workloadState: ZWorkloadState[];
  /** The `version` block as the dump has it (ztunnel's BuildInfo). */
  version?: Json;
  /** The parsed document, for `-o json` of the whole dump. */
  document: Json;
  warnings: string[];
}

/** snake_case and lower-case spellings of a camelCase field name, computed once per name. */
const spellings = new Map<string, [string, string]>();

/**
 * Field access that also takes the snake_case and all-lower-case spellings (Go's encoding/json,
 * and so istioctl, matches keys case-insensitively). No allocation per call: dumps hold many
 * thousands of workloads.
 */
export function getField(obj: Json, name: string): Json {
  if (obj === null || typeof obj !== 'object') return undefined;
  const v = obj[name];
  if (v !== undefined) return v;
  let sp = spellings.get(name);
  if (!sp) spellings.set(name, (sp = [name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()), name.toLowerCase()]));
  return obj[sp[0]] ?? obj[sp[1]];
}

class Reader {
  constructor(readonly origin: string) {}

  fail(what: string, detail: string): never {
    throw new InputError(`${this.origin}: ztunnel config dump: ${what} ${detail}`, {
      hint: 'capture it again: istioctl ztunnel-config all <ztunnel pod> -o json, or kubectl port-forward -n istio-system <ztunnel pod> 15000 and curl localhost:15000/config_dump',
    });
  }

  /** A collection given as a list or as a map (istioctl's unmarshalListOrMap). */
  collection(v: Json, what: string): Json[] {
    if (v === undefined || v === null) return [];
    const items = Array.isArray(v)
      ? v
      : typeof v === 'object'
        ? Object.values(v)
        : this.fail(`"${what}"`, `is ${describe(v)}, not a list or a map`);
    items.forEach((x, i) => {
      if (x === null || typeof x !== 'object' || Array.isArray(x))
        this.fail(`"${what}"`, `entry ${i + 1} is ${describe(x)}, not an object`);
    });
    return items;
  }

  str(o: Json, name: string): string {
    const v = getField(o, name);
    if (v === undefined || v === null) return '';
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  }

  strings(o: Json, name: string): string[] {
    const v = getField(o, name);
    return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : typeof v === 'string' ? [v] : [];
  }

  portMap(v: Json): Map<number, number> {
    const m = new Map<number, number>();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, t] of Object.entries(v)) {
        const sp = Number(k);
        const tp = Number(t);
        if (Number.isInteger(sp) && Number.isInteger(tp)) m.set(sp, tp);
      }
    }
    return m;
  }

  gateway(v: Json): GatewayRef | undefined {
    if (!v || typeof v !== 'object') return undefined;
    const dest = getField(v, 'destination');
    let destination = '';
    if (typeof dest === 'string') destination = dest;
    else if (dest && typeof dest === 'object') {
      // proto-JSON form: {"address": {"network": …, "address": …}} or {"hostname": {"namespace": …, "hostname": …}}
      const a = getField(dest, 'address');
      const h = getField(dest, 'hostname');
      if (a && typeof a === 'object') destination = `${this.str(a, 'network')}/${this.str(a, 'address')}`;
      else if (h && typeof h === 'object') destination = `${this.str(h, 'namespace')}/${this.str(h, 'hostname')}`;
    }
    const port = getField(v, 'hboneMtlsPort') ?? getField(v, 'port');
    return { destination, port: typeof port === 'number' ? port : undefined };
  }

  workload(o: Json): ZWorkload {
    const loc = getField(o, 'locality');
    const at = getField(o, 'applicationTunnel');
    const cap = getField(o, 'capacity');
    return {
      uid: this.str(o, 'uid'),
      name: this.str(o, 'name'),
      namespace: this.str(o, 'namespace'),
      ips: this.strings(o, 'workloadIps'),
      hostname: this.str(o, 'hostname'),
      network: this.str(o, 'network'),
      protocol: this.str(o, 'protocol'),
      node: this.str(o, 'node'),
      status: this.str(o, 'status'),
      serviceAccount: this.str(o, 'serviceAccount'),
      trustDomain: this.str(o, 'trustDomain'),
      waypoint: this.gateway(getField(o, 'waypoint')),
      networkGateway: this.gateway(getField(o, 'networkGateway')),
      authorizationPolicies: this.strings(o, 'authorizationPolicies'),
      workloadName: this.str(o, 'workloadName'),
      workloadType: this.str(o, 'workloadType'),
      canonicalName: this.str(o, 'canonicalName'),
      clusterId: this.str(o, 'clusterId'),
      capacity: typeof cap === 'number' ? cap : 1,
      locality: { region: this.str(loc, 'region'), zone: this.str(loc, 'zone'), subzone: this.str(loc, 'subzone') },
      applicationTunnel:
        at && typeof at === 'object'
          ? {
              protocol: this.str(at, 'protocol'),
              port: typeof getField(at, 'port') === 'number' ? getField(at, 'port') : undefined,
            }
          : undefined,
      raw: o,
    };
  }

  service(o: Json): ZService {
    const eps = getField(o, 'endpoints');
    const epList: Json[] = Array.isArray(eps) ? eps : eps && typeof eps === 'object' ? Object.values(eps) : [];
    const lb = getField(o, 'loadBalancer');
    return {
      name: this.str(o, 'name'),
      namespace: this.str(o, 'namespace'),
      hostname: this.str(o, 'hostname'),
      vips: this.strings(o, 'vips'),
      ports: this.portMap(getField(o, 'ports')),
      endpoints: epList
        .filter((e) => e && typeof e === 'object')
        .map((e) => ({
          workloadUid: this.str(e, 'workloadUid'),
          address: this.str(e, 'address') || undefined,
          ports: this.portMap(getField(e, 'port')),
          status: this.str(e, 'status') || undefined,
        })),
      waypoint: this.gateway(getField(o, 'waypoint')),
      loadBalancer:
        lb && typeof lb === 'object'
          ? {
              mode: this.str(lb, 'mode'),
              routingPreferences: this.strings(lb, 'routingPreferences'),
              healthPolicy: this.str(lb, 'healthPolicy'),
            }
          : undefined,
      subjectAltNames: this.strings(o, 'subjectAltNames'),
      visibility: this.str(o, 'visibility'),
      raw: o,
    };
  }

  stringMatches(v: Json): ZStringMatch[] {
    if (!Array.isArray(v)) return [];
    const out: ZStringMatch[] = [];
    for (const m of v) {
      if (!m || typeof m !== 'object') continue;
      for (const kind of ['Exact', 'Prefix', 'Suffix', 'Presence'] as const) {
        const x = getField(m, kind);
        if (x !== undefined) out.push({ kind, value: typeof x === 'string' ? x : '' });
      }
    }
    return out;
  }

  saMatches(v: Json): ZServiceAccountMatch[] {
    if (!Array.isArray(v)) return [];
    return v
      .filter((m) => m && typeof m === 'object')
      .map((m) => ({ namespace: this.str(m, 'namespace'), serviceAccount: this.str(m, 'serviceAccount') }));
  }

  match(m: Json): ZMatch {
    const ports = (name: string) =>
      Array.isArray(getField(m, name)) ? getField(m, name).filter((p: Json) => typeof p === 'number') : [];
    return {
      namespaces: this.stringMatches(getField(m, 'namespaces')),
      notNamespaces: this.stringMatches(getField(m, 'notNamespaces')),
      principals: this.stringMatches(getField(m, 'principals')),
      notPrincipals: this.stringMatches(getField(m, 'notPrincipals')),
      serviceAccounts: this.saMatches(getField(m, 'serviceAccounts')),
      notServiceAccounts: this.saMatches(getField(m, 'notServiceAccounts')),
      sourceIps: this.strings(m, 'sourceIps'),
      notSourceIps: this.strings(m, 'notSourceIps'),
      destinationIps: this.strings(m, 'destinationIps'),
      notDestinationIps: this.strings(m, 'notDestinationIps'),
      destinationPorts: ports('destinationPorts'),
      notDestinationPorts: ports('notDestinationPorts'),
    };
  }

  policy(o: Json): ZPolicy {
    const rules = getField(o, 'rules');
    const arr = (v: Json): Json[] => (Array.isArray(v) ? v : []);
    return {
      name: this.str(o, 'name'),
      namespace: this.str(o, 'namespace'),
      scope: this.str(o, 'scope'),
      action: this.str(o, 'action'),
      rules: arr(rules).map((rule) =>
        arr(rule).map((clause) =>
          arr(clause)
            .filter((m) => m && typeof m === 'object')
            .map((m) => this.match(m)),
        ),
      ),
      dryRun: getField(o, 'dryRun') === true,
      raw: o,
    };
  }

  cert(o: Json): ZCert {
    return {
      pem: this.str(o, 'pem'),
      serialNumber: this.str(o, 'serialNumber'),
      validFrom: this.str(o, 'validFrom'),
      expirationTime: this.str(o, 'expirationTime'),
    };
  }

  certificate(o: Json): ZCertificate {
    const list = (name: string) =>
      Array.isArray(getField(o, name))
        ? getField(o, name)
            .filter((c: Json) => c && typeof c === 'object')
            .map((c: Json) => this.cert(c))
        : [];
    return {
      identity: this.str(o, 'identity'),
      state: this.str(o, 'state'),
      certChain: list('certChain'),
      rootCerts: list('rootCerts'),
      raw: o,
    };
  }

  connections(v: Json): ZConnection[] | undefined {
    if (!Array.isArray(v)) return undefined;
    return v
      .filter((c) => c && typeof c === 'object')
      .map((c) => ({
        src: this.str(c, 'src'),
        originalDst: this.str(c, 'originalDst'),
        actualDst: this.str(c, 'actualDst'),
        protocol: this.str(c, 'protocol'),
      }));
  }

  workloadState(o: Json): ZWorkloadState {
    const conns = getField(o, 'connections');
    const info = getField(o, 'info');
    return {
      state: this.str(o, 'state'),
      inbound: this.connections(getField(conns, 'inbound')),
      outbound: this.connections(getField(conns, 'outbound')),
      info: {
        name: this.str(info, 'name'),
        namespace: this.str(info, 'namespace'),
        trustDomain: this.str(info, 'trustDomain'),
        serviceAccount: this.str(info, 'serviceAccount'),
      },
    };
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'string'
    ? `a string (${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)})`
    : `a ${typeof v}`;
}

/** Builds the model; throws an InputError (one line) when `doc` is not a usable ztunnel document. */
export function buildZtunnelModel(doc: Json, origin: string): ZtunnelModel {
  const shape = ztunnelShape(doc);
  if (!shape) {
    throw new InputError(
      `${origin}: not a ztunnel config dump (expected "workloads", "services", "policies" or "certificates")`,
      {
        hint: "pass ztunnel's /config_dump or the output of `istioctl ztunnel-config all -o json`",
      },
    );
  }
  if (shape === 'legacy') {
    throw new InputError(
      `${origin}: a ztunnel config dump in the ztunnel ≤ 1.21 format (by_addr / by_uid), which pcx does not read`,
      {
        hint: 'capture it from ztunnel 1.22 or later (istioctl ztunnel-config all -o json), as current istioctl also needs',
      },
    );
  }
  const r = new Reader(origin);
  const m: ZtunnelModel = {
    origin,
    shape,
    sections: new Set(),
    workloads: [],
    services: [],
    policies: [],
    certificates: [],
    workloadState: [],
    document: doc,
    warnings: [],
  };
  const take = (section: ZtunnelSection, v: Json) => {
    m.sections.add(section);
    return r.collection(v, section);
  };
  if (shape !== 'dump') {
    const section = shape === 'connections' ? 'workloadState' : shape;
    const items = take(section, doc);
    if (shape === 'workloads') m.workloads = items.map((o) => r.workload(o));
    if (shape === 'services') m.services = items.map((o) => r.service(o));
    if (shape === 'policies') m.policies = items.map((o) => r.policy(o));
    if (shape === 'certificates') m.certificates = items.map((o) => r.certificate(o));
    if (shape === 'connections') m.workloadState = items.map((o) => r.workloadState(o));
    return m;
  }
  const f = (name: string) => getField(doc, name);
  if (f('workloads') !== undefined) m.workloads = take('workloads', f('workloads')).map((o) => r.workload(o));
  if (f('services') !== undefined) m.services = take('services', f('services')).map((o) => r.service(o));
  if (f('policies') !== undefined) m.policies = take('policies', f('policies')).map((o) => r.policy(o));
  if (f('certificates') !== undefined)
    m.certificates = take('certificates', f('certificates')).map((o) => r.certificate(o));
  if (f('workloadState') !== undefined)
    m.workloadState = take('workloadState', f('workloadState')).map((o) => r.workloadState(o));
  const version = f('version');
  if (version !== undefined && version !== null) {
    if (typeof version !== 'object' || Array.isArray(version))
      r.fail('"version"', `is ${describe(version)}, not an object`);
    m.sections.add('version');
    m.version = version;
  }
  return m;
}

/** The sections a command needs but the document lacks, named for a note ("no services section"). */
export function missingSections(m: ZtunnelModel, needed: readonly ZtunnelSection[]): ZtunnelSection[] {
  return needed.filter((s) => !m.sections.has(s));
}

/** `network/IP` → IP (`/10.96.0.1` → `10.96.0.1`); a bare IP stays as is. */
export function ipOf(networkAddress: string): string {
  const i = networkAddress.indexOf('/');
  return i < 0 ? networkAddress : networkAddress.slice(i + 1);
}

/** The SPIFFE identity ztunnel gives a workload (`Workload::identity`). */
export function identityOf(w: ZWorkload): string {
  return `spiffe://${w.trustDomain}/ns/${w.namespace}/sa/${w.serviceAccount}`;
}
