/**
 * `pcx ztunnel workloads|services|policies|certificates|connections|version|all [source]`
 * (aliases `zc`, `ztunnel-config`, and istioctl's subcommand aliases): istioctl `ztunnel-config`'s
 * tables, from a ztunnel dump file, stdin, a bug-report's ztunnel, or live (no source: istioctl
 * picks a ztunnel; `--node`: the one on that node). Flags → ZtunnelTableRequest → tables; this
 * file only parses, loads and writes.
 */
import type { Argv } from 'yargs';
import { withSourceOptions, type SourceArgs } from './source-options.js';
import { styleFor } from '../render/style.js';
import { EXIT_OK, UsageError } from '../errors.js';
import type { OutputFormat } from '../tables/index.js';
import type { ZtunnelTableKind, ZtunnelTableRequest } from '../tables/ztunnel-index.js';
import { defineCommand } from './define.js';
import type { CommandContext } from './context.js';

export interface ZtunnelArgs extends Omit<SourceArgs, 'source'> {
  source?: string;
  output: OutputFormat;
  node?: string;
  workloadNamespace?: string;
  workloadNode?: string;
  workload?: string;
  address?: string;
  serviceNamespace?: string;
  policyNamespace?: string;
  direction?: string;
  raw?: boolean;
  withHeaders?: boolean;
}

export const ZTUNNEL_SOURCE_DESCRIPTION =
  "ztunnel's /config_dump (.json, .gz, or istioctl ztunnel-config all -o json), - for stdin, an istioctl bug-report (.tar.gz or directory: its ztunnel), or a live pod (ztunnel or workload pod, via istioctl); none: istioctl picks a ztunnel";

interface Spec {
  kind: ZtunnelTableKind;
  names: string[];
  describe: string;
  flags: string[];
}

const FLAGS: Record<string, { type: 'string' | 'boolean'; describe: string }> = {
  'workload-namespace': { type: 'string', describe: 'only workloads in this namespace' },
  'workload-node': { type: 'string', describe: 'only workloads on this node' },
  workload: {
    type: 'string',
    describe: 'only this workload pod: <name>[.<namespace>] (istioctl: the pod given as its argument)',
  },
  address: { type: 'string', describe: 'only the workload with this IP' },
  'service-namespace': { type: 'string', describe: 'only services in this namespace' },
  'policy-namespace': { type: 'string', describe: 'only policies in this namespace' },
  direction: { type: 'string', describe: 'only inbound or outbound connections' },
  raw: { type: 'boolean', describe: 'show IP addresses instead of names' },
  'with-headers': { type: 'boolean', describe: 'a ------ TITLE ------ line before each table' },
};

const SPECS: Spec[] = [
  {
    kind: 'workloads',
    names: ['workloads [source]', 'workload', 'w'],
    describe: 'workloads ztunnel knows: address, node, waypoint, protocol (istioctl ztunnel-config workload)',
    flags: ['workload-namespace', 'workload-node', 'workload', 'address'],
  },
  {
    kind: 'services',
    names: ['services [source]', 'service', 's', 'svc'],
    describe: 'services: VIP, waypoint, healthy/all endpoints (istioctl ztunnel-config service)',
    flags: ['service-namespace'],
  },
  {
    kind: 'policies',
    names: ['policies [source]', 'policy', 'p', 'pol'],
    describe: 'L4 authorization policies (istioctl ztunnel-config policy)',
    flags: ['policy-namespace'],
  },
  {
    kind: 'certificates',
    names: ['certificates [source]', 'certificate', 'certs', 'cert'],
    describe: "ztunnel's workload certificates (istioctl ztunnel-config certificate)",
    flags: [],
  },
  {
    kind: 'connections',
    names: ['connections [source]', 'cons'],
    describe: 'open connections per workload (istioctl ztunnel-config connections)',
    flags: ['workload-namespace', 'workload', 'direction', 'raw'],
  },
  {
    kind: 'version',
    names: ['version [source]'],
    describe: 'ztunnel and Istio versions (istioctl ztunnel-config version)',
    flags: [],
  },
  {
    kind: 'all',
    names: ['all [source]'],
    describe: 'every table, as istioctl ztunnel-config all (-o json|yaml: the whole dump)',
    flags: ['with-headers'],
  },
];

function builderFor(spec: Spec) {
  return (y: Argv) => {
    let b: Argv = withSourceOptions(y)
      .positional('source', { describe: ZTUNNEL_SOURCE_DESCRIPTION, type: 'string' })
      .option('output', { alias: 'o', choices: ['short', 'json', 'yaml'], default: 'short', describe: 'output format' })
      .option('node', {
        type: 'string',
        describe: 'live or a bug-report: the ztunnel on this node (as istioctl); a dump: only workloads on this node',
      });
    for (const f of spec.flags) b = b.option(f, FLAGS[f]);
    const name = spec.names[0].split(' ')[0];
    return b
      .example(`$0 ztunnel ${name} ztunnel-dump.json`, 'the table istioctl prints')
      .example(`$0 ztunnel ${name} --node ambient-worker`, 'live, from the ztunnel on that node');
  };
}

/** `name.namespace` → { name, namespace } (the namespace is what follows the last dot, as istioctl infers it). */
function splitWorkload(w: string | undefined): { name?: string; namespace?: string } {
  if (!w) return {};
  const i = w.lastIndexOf('.');
  return i > 0 ? { name: w.slice(0, i), namespace: w.slice(i + 1) } : { name: w };
}

/** Flags → the request the ztunnel tables serve; `live` says whether --node picked the ztunnel (live or in a bug-report). */
export function ztunnelRequest(kind: ZtunnelTableKind, a: ZtunnelArgs, live: boolean): ZtunnelTableRequest {
  if (a.direction !== undefined && a.direction !== 'inbound' && a.direction !== 'outbound') {
    throw new UsageError(`--direction must be inbound or outbound, not ${a.direction}`);
  }
  const wl = splitWorkload(a.workload);
  // a dump is already one ztunnel's view: there --node narrows the workloads (istioctl's help: "Filter workloads by node field")
  const node = a.workloadNode ?? (live ? undefined : a.node);
  return {
    kind,
    output: a.output,
    workloads: { namespace: wl.namespace ?? a.workloadNamespace, name: wl.name, address: a.address, node },
    services: { namespace: a.serviceNamespace },
    policies: { namespace: a.policyNamespace },
    connections: {
      namespace: wl.namespace ?? a.workloadNamespace,
      workload: wl.name,
      direction: a.direction as 'inbound' | 'outbound' | undefined,
      raw: a.raw,
    },
  };
}

/** Does --node pick the ztunnel (live, or among a bug-report's ztunnels), rather than filter a dump's workloads? */
async function nodePicksZtunnel(source: string | undefined): Promise<boolean> {
  if (source === undefined) return true;
  const { classifySource } = await import('../load/source-spec.js');
  return ['live', 'archive', 'directory'].includes((await classifySource(source)).kind);
}

export async function runZtunnel(kind: ZtunnelTableKind, a: ZtunnelArgs, ctx: CommandContext): Promise<number> {
  if (a.timeout !== undefined && !(a.timeout > 0))
    throw new UsageError(`--timeout must be a number of seconds above 0, not ${a.timeout}`);
  const live = await nodePicksZtunnel(a.source);
  const [{ loadZtunnel, workloadPodOf }, { printZtunnel }] = await Promise.all([
    import('../ztunnel/load.js'),
    import('../tables/ztunnel-index.js'),
  ]);
  // istioctl: a workload pod (not a ztunnel) as the target reads its node's ztunnel and shows only that pod
  const pod = a.workload === undefined ? await workloadPodOf(a.source, a.namespace) : undefined;
  const req = ztunnelRequest(kind, pod ? { ...a, workload: pod } : a, live);
  const model = await loadZtunnel(a.source, {
    stdin: ctx.io.stdin,
    namespace: a.namespace,
    context: a.context,
    kubeconfig: a.kubeconfig,
    pod: a.pod,
    save: a.save,
    timeoutMs: a.timeout !== undefined ? a.timeout * 1000 : undefined,
    progress: ctx.io.stderr,
    node: live ? a.node : undefined,
  });
  const out = printZtunnel(
    model,
    { ...req, withHeaders: a.withHeaders },
    styleFor(ctx.io.stdout, { color: ctx.color }),
  );
  for (const n of [...model.warnings, ...out.notes]) ctx.io.stderr.write(`pcx: note: ${n}\n`);
  ctx.io.stdout.write(out.stdout);
  return EXIT_OK;
}

export const ztunnelCommand = defineCommand({
  command: ['ztunnel', 'zc', 'ztunnel-config'],
  describe: "ztunnel's config as istioctl ztunnel-config prints it (ambient mode)",
  subcommands: SPECS.map((spec) =>
    defineCommand<ZtunnelArgs>({
      command: spec.names,
      describe: spec.describe,
      builder: builderFor(spec),
      run: (a, ctx) => runZtunnel(spec.kind, a, ctx),
    }),
  ),
  demandSubcommand:
    'give a table: pcx ztunnel workloads|services|policies|certificates|connections|version|all [source]',
});
