/**
 * Malformed but plausible dumps (issue 14): each plants one bad shape in a copy of a real dump, made
 * at test time, and runs every command in-process. None may reach "internal error"; the malformed
 * resource is left out with a warning naming it and the field, and the rest of the dump is used.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcxIn } from '../helpers/in-process.js';
import { REAL, readJson } from '../helpers/fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const tmp = mkdtempSync(join(tmpdir(), 'pcx-malformed-'));

const section = (doc: any, kind: string) => doc.configs.find((c: any) => String(c['@type']).endsWith('.' + kind));
const listener = (doc: any, name: string) =>
  section(doc, 'ListenersConfigDump').dynamic_listeners.find((l: any) => l.name === name);
const routeConfig = (doc: any, name: string) =>
  section(doc, 'RoutesConfigDump').dynamic_route_configs.find((r: any) => r.route_config.name === name).route_config;

/** Writes the document, with `"__DEEP__"` replaced by a value nested `depth` levels deep (JSON.stringify cannot write it). */
function write(name: string, doc: any, depth = 0): string {
  let text = JSON.stringify(doc);
  if (depth) text = text.replace('"__DEEP__"', '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
  const f = join(tmp, name);
  writeFileSync(f, text);
  return f;
}

/** explain's text wraps to a width: warnings are checked whole, not their wrapping. */
const unwrap = (text: string) => text.replace(/\n[ \t]+/g, ' ');

const base = () => readJson(REAL.istio19productpage);

interface Plant {
  name: string;
  plant: (d: any) => void;
  warning: RegExp;
  depth?: number;
}

const PLANTS: Plant[] = [
  {
    name: 'filter_chains: {}',
    plant: (d) => (listener(d, '0.0.0.0_8080').active_state.listener.filter_chains = {}),
    warning: /malformed listener "0\.0\.0\.0_8080": filter_chains is an object, expected a list/,
  },
  {
    name: 'filter_chains: ["x"]',
    plant: (d) => (listener(d, '0.0.0.0_8080').active_state.listener.filter_chains = ['x']),
    warning: /malformed listener "0\.0\.0\.0_8080": filter_chains\[0\] is a string \("x"\), expected an object/,
  },
  {
    name: 'prefix_ranges as an object',
    plant: (d) =>
      (listener(d, 'virtualInbound').active_state.listener.filter_chains[1].filter_chain_match.prefix_ranges = {
        address_prefix: '0.0.0.0',
      }),
    warning:
      /malformed listener "virtualInbound": filter_chains\[1\]\.filter_chain_match\.prefix_ranges is an object, expected a list/,
  },
  {
    name: 'active_state: "GRPC"',
    plant: (d) => (listener(d, '0.0.0.0_8080').active_state = 'GRPC'),
    warning: /malformed listener "0\.0\.0\.0_8080": it is missing, expected an object/,
  },
  {
    name: 'a virtual host with routes: 0',
    plant: (d) => (routeConfig(d, '8080').virtual_hosts[0].routes = 0),
    warning: /malformed route config "8080": virtual_hosts\[0\]\.routes is a number \(0\), expected a list/,
  },
  {
    name: 'domains as a string',
    plant: (d) => (routeConfig(d, '8080').virtual_hosts[0].domains = 'x.example'),
    warning: /malformed route config "8080": virtual_hosts\[0\]\.domains is a string \("x\.example"\), expected a list/,
  },
  {
    name: 'a numeric cluster name',
    plant: (d) => (section(d, 'ClustersConfigDump').dynamic_active_clusters[0].cluster.name = 42),
    warning: /malformed cluster #\d+: its name is a number \(42\), expected a string/,
  },
  {
    name: 'a null resource',
    plant: (d) => (section(d, 'ClustersConfigDump').dynamic_active_clusters[1] = null),
    warning: /malformed cluster #\d+: it is missing, expected an object/,
  },
  {
    name: 'metadata nested 2,000 deep',
    plant: (d) =>
      (section(d, 'ClustersConfigDump').dynamic_active_clusters[2].cluster.metadata = {
        filter_metadata: { istio: '__DEEP__' },
      }),
    warning: /malformed cluster "[^"]+": metadata\.filter_metadata\.istio[.a…]+ is nested more than 200 levels deep/,
    depth: 2000,
  },
];

const COMMANDS: ((f: string, orig: string) => string[])[] = [
  (f) => ['explain', f, 'reviews:9080/'],
  (f) => ['explain', f, 'reviews:9080/', '-o', 'json'],
  (f) => ['explain', f, '--all'],
  (f) => ['explain', f, '--all', '-o', 'json'],
  (f) => ['explain', f, '--inbound', '9080', '/'],
  (f) => ['listeners', f],
  (f) => ['routes', f],
  (f) => ['clusters', f, '-o', 'yaml'],
  (f) => ['all', f],
  (f, o) => ['diff', o, f],
  (f, o) => ['diff', f, o, '-o', 'json'],
  (f) => ['report', f, 'reviews:9080/', '--generated-at', '2020-01-01T00:00:00Z'],
];

describe('malformed resources never reach "internal error"', () => {
  const orig = write('orig.json', base());
  for (const p of PLANTS) {
    it(`${p.name}: every command answers, the resource is named in a warning`, async () => {
      const doc = base();
      p.plant(doc);
      const f = write(`${p.name.replace(/\W+/g, '-')}.json`, doc, p.depth);
      const e = await pcxIn(['explain', f, 'reviews:9080/']);
      const said = unwrap(e.out + e.err);
      expect(said).toMatch(p.warning);
      expect(said).toMatch(/Envoy would reject this resource; ignored, the rest of the dump is used/);
      for (const cmd of COMMANDS) {
        const argv = cmd(f, orig);
        const r = await pcxIn(argv);
        expect({ argv: argv.join(' '), err: r.err }).not.toEqual({
          argv: argv.join(' '),
          err: expect.stringMatching(/internal error|bug in pcx|Error: /),
        });
        expect([0, 1, 2]).toContain(r.code);
      }
    });
  }

  it('the rest of the dump is still used: a bad listener elsewhere leaves reviews routed', async () => {
    const doc = base();
    listener(doc, '0.0.0.0_8080').active_state.listener.filter_chains = {};
    const r = await pcxIn(['explain', write('fc-obj.json', doc), 'reviews:9080/']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ROUTED/);
  });

  it('`all -o json|yaml` of a document nested 5,000 deep is one clear line, exit 2', async () => {
    const doc = base();
    section(doc, 'ClustersConfigDump').dynamic_active_clusters[2].cluster.metadata = {
      filter_metadata: { istio: '__DEEP__' },
    };
    const f = write('deep5000.json', doc, 5000);
    for (const o of ['json', 'yaml']) {
      const r = await pcxIn(['all', f, '-o', o]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(
        /^pcx: .*cannot print the dump: configs\[1\]\.dynamic_active_clusters\[2\]\.cluster\.metadata.* is nested more than \d+ levels deep/m,
      );
      expect(r.err).not.toMatch(/internal error/);
    }
  });
});

describe('real v2 dumps that look malformed but are not', () => {
  it('Istio 1.3: a v2 `config` Struct with one http filter where a list belongs is read as Envoy did, a list of one', async () => {
    const r = await pcxIn(['explain', REAL.istio13gateway, '0.0.0.0:15090/stats/prometheus']);
    expect(r.err).not.toMatch(/internal error/);
    expect(r.out + r.err).not.toMatch(/malformed/);
    expect([0, 1]).toContain(r.code);
  });
});
