/**
 * `pcx listeners|routes|clusters|endpoints|secrets|bootstrap|all <source>`: istioctl-compatible
 * tables (aliases l, r, c, ep, s, b, a, and istioctl's singular names). Flags → TableRequest →
 * tables/index.ts; this file only parses, loads and writes.
 */
import type { Argv, Options } from 'yargs';
import { loadModelFromArgs, SOURCE_DESCRIPTION, withSourceOptions, type SourceArgs } from './source-options.js';
import { styleFor } from '../render/style.js';
import { InputError, UsageError, EXIT_OK } from '../errors.js';
import { deeperThan } from '../model/validate.js';
import { portFlag } from './port-flag.js';
import { tableNeed } from '../load/dump-need.js';
import type { OutputFormat, TableKind, TableRequest } from '../tables/index.js';
import { writeExact, type CommandContext } from './context.js';
import { defineCommand } from './define.js';

export interface TableArgs extends SourceArgs {
  output: OutputFormat;
  port?: number;
  address?: string;
  type?: string;
  verbose?: boolean;
  fqdn?: string;
  direction?: string;
  subset?: string;
  name?: string;
  cluster?: string;
  status?: string;
  withHeaders?: boolean;
}

/** JSON.stringify and the YAML writer recurse: past ~1,500 levels they overflow the stack. */
const PRINT_DEPTH = 1000;

const LISTENER_TYPES = ['HTTP', 'TCP', 'HTTP+TCP', 'UNKNOWN'];
const HEALTH_STATUSES = ['HEALTHY', 'UNHEALTHY', 'DRAINING', 'TIMEOUT', 'DEGRADED', 'UNKNOWN'];

const OPTS: Record<string, Options> = {
  port: { type: 'number', describe: 'only this port' },
  address: { type: 'string', describe: 'only this address (case-insensitive)' },
  type: { type: 'string', describe: `only listeners of this type: ${LISTENER_TYPES.join(', ')}` },
  verbose: {
    type: 'boolean',
    default: true,
    describe: 'one row per filter chain / route (--no-verbose: one row per listener / route config)',
  },
  fqdn: { type: 'string', describe: 'only clusters whose name contains this' },
  direction: { type: 'string', describe: 'only clusters whose name contains this direction (inbound, outbound, …)' },
  subset: { type: 'string', describe: 'only clusters whose name contains this subset' },
  name: { type: 'string', describe: 'only the route config of this exact name' },
  cluster: { type: 'string', describe: 'only endpoints of this exact cluster name (case-insensitive)' },
  status: { type: 'string', describe: `only endpoints with this health: ${HEALTH_STATUSES.join(', ')}` },
  'with-headers': {
    type: 'boolean',
    describe: 'a "------ CLUSTER INFO ------" line before each summary (as istioctl)',
  },
};

interface CommandSpec {
  kind: TableKind;
  names: string[];
  describe: string;
  flags: string[];
  defaultOutput?: OutputFormat;
}

const COMMANDS: CommandSpec[] = [
  {
    kind: 'listeners',
    names: ['listeners <source>', 'listener', 'l'],
    describe: 'listeners, one row per filter chain (istioctl pc listener)',
    flags: ['address', 'port', 'type', 'verbose'],
  },
  {
    kind: 'routes',
    names: ['routes <source>', 'route', 'r'],
    describe: 'route configs, one row per route (istioctl pc route)',
    flags: ['name', 'verbose'],
  },
  {
    kind: 'clusters',
    names: ['clusters <source>', 'cluster', 'c'],
    describe: 'clusters (istioctl pc cluster)',
    flags: ['fqdn', 'port', 'subset', 'direction'],
  },
  {
    kind: 'endpoints',
    names: ['endpoints <source>', 'endpoint', 'ep'],
    describe: 'endpoints and their health (istioctl pc endpoint), from /clusters?format=json or EDS',
    flags: ['address', 'port', 'cluster', 'status'],
  },
  {
    kind: 'secrets',
    names: ['secrets <source>', 'secret', 's'],
    describe: 'SDS secrets and their certificates (istioctl pc secret)',
    flags: [],
  },
  {
    kind: 'ecds',
    names: ['ecds <source>', 'ec'],
    describe: 'extension configs delivered by ECDS, e.g. Wasm and telemetry filters (istioctl pc ecds)',
    flags: [],
  },
  {
    kind: 'bootstrap',
    names: ['bootstrap <source>', 'b'],
    describe: 'the bootstrap (istioctl pc bootstrap; -o short for versions)',
    flags: [],
    defaultOutput: 'json',
  },
  {
    kind: 'all',
    names: ['all <source>', 'a'],
    describe: 'every summary, as istioctl pc all (-o json|yaml: the whole dump)',
    flags: [
      'address',
      'port',
      'type',
      'verbose',
      'fqdn',
      'subset',
      'direction',
      'name',
      'cluster',
      'status',
      'with-headers',
    ],
  },
];

function builderFor(spec: CommandSpec) {
  return (y: Argv) => {
    let b: Argv = withSourceOptions(y)
      .positional('source', { describe: SOURCE_DESCRIPTION, type: 'string', demandOption: true })
      .option('output', {
        alias: 'o',
        choices: ['short', 'json', 'yaml'],
        default: spec.defaultOutput ?? 'short',
        describe: 'output format',
      });
    for (const f of spec.flags) b = b.option(f, OPTS[f]);
    return b
      .example(`$0 ${spec.names[0].split(' ')[0]} dump.json`, 'the table istioctl prints')
      .example(`$0 ${spec.names[0].split(' ')[0]} dump.json -o yaml`, 'the selected resources themselves');
  };
}

const checkPort = (p: number | undefined) => portFlag('port', p, { zeroMeansAll: true });

function checkChoice(flag: string, v: string | undefined, allowed: string[]): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (!allowed.includes(v.toUpperCase()))
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (any case), not ${v}`);
  return v;
}

/** Flags → the request tables/index.ts serves. Throws UsageError on bad flag values. */
export function tableRequest(kind: TableKind, a: TableArgs): TableRequest {
  const port = checkPort(a.port);
  const type = checkChoice('type', a.type, LISTENER_TYPES);
  const status = checkChoice('status', a.status, HEALTH_STATUSES);
  return {
    kind,
    output: a.output,
    ...(a.withHeaders ? { withHeaders: true } : {}),
    listeners: { address: a.address, port, type, verbose: a.verbose ?? true },
    clusters: { fqdn: a.fqdn, port, subset: a.subset, direction: a.direction },
    routes: { name: a.name, verbose: a.verbose ?? true },
    // `all` applies --address to listeners and endpoints and --port to clusters and listeners (istioctl)
    endpoints: { address: a.address, port: kind === 'all' ? undefined : port, cluster: a.cluster, status },
  };
}

export async function runTable(kind: TableKind, a: TableArgs, ctx: CommandContext): Promise<number> {
  const req = tableRequest(kind, a);
  // the table writers load only when a table command runs: other commands start faster
  const { formatResources, printTables } = await import('../tables/index.js');
  const whole = kind === 'all' && req.output !== 'short';
  // a live pod read with kubectl: only this table's section (dump-need.ts)
  const model = await loadModelFromArgs(a, ctx, a.source, { keepDocument: whole, need: tableNeed(kind) });
  if (whole) {
    // istioctl pc all -o json|yaml prints the dump itself
    const doc = model.document;
    // the dump as Envoy gave it, so malformed resources too: only nesting no writer can follow is refused
    const deep = deeperThan(doc, PRINT_DEPTH);
    if (deep)
      throw new InputError(`${model.origin}: cannot print the dump: ${deep}`, {
        hint: 'print one kind of resource instead (e.g. pcx clusters … -o json): malformed resources are left out there',
      });
    writeExact(
      ctx.io.stdout,
      req.output === 'json' ? JSON.stringify(doc, null, 2) + '\n' : formatResources(doc, 'yaml'),
    );
    return EXIT_OK;
  }
  const out = printTables(model, req, styleFor(ctx.io.stdout, { color: ctx.color }));
  for (const n of [...model.warnings, ...out.notes]) ctx.io.stderr.write(`pcx: note: ${n}\n`);
  if (req.output === 'short') ctx.io.stdout.write(out.stdout);
  else writeExact(ctx.io.stdout, out.stdout); // -o json|yaml: the resources as Envoy gave them
  return EXIT_OK;
}

export const tableCommands = COMMANDS.map((spec) =>
  defineCommand<TableArgs>({
    command: spec.names,
    describe: spec.describe,
    builder: builderFor(spec),
    run: (a, ctx) => runTable(spec.kind, a, ctx),
  }),
);
