/**
 * A table of a live pod asks Envoy only for its section (`config_dump?mask=…`, as istioctl's own
 * proxy-config subcommands do) when read through kubectl, and prints exactly what the whole dump gives.
 * The fake kubectl trims the recorded dump as Envoy's admin handler does (fake-tool.mjs `masked`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathWith, removeDir, ROOT, tempDir, pcxWithFakes } from './helpers.js';

const POD = 'hello-openshift-5b7bcb9b6d-kggwf.vanilla-playground';

describe('live tables fetch only their section', () => {
  const dir = tempDir('pcx-e2e-need-');
  const both = pathWith(join(dir, 'both'), ['istioctl', 'kubectl']);
  const kubectlOnly = pathWith(join(dir, 'kubectl-only'), ['kubectl']);
  const log = join(dir, 'argv.log');

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('run `npm run build` before these tests');
  });
  afterAll(() => removeDir(dir));

  function pcx(path: string, args: string[]) {
    return pcxWithFakes({ path, log, cwd: dir }, args);
  }

  it.each([
    ['clusters', ['-o', 'short'], 'bootstrap,dynamic_active_clusters,dynamic_warming_clusters,static_clusters'],
    ['clusters', ['-o', 'json'], 'bootstrap,dynamic_active_clusters,dynamic_warming_clusters,static_clusters'],
    ['listeners', [], 'bootstrap,dynamic_listeners,static_listeners'],
    ['routes', [], 'bootstrap,dynamic_route_configs,static_route_configs'],
    ['secrets', [], 'bootstrap,dynamic_active_secrets,dynamic_warming_secrets,static_secrets'],
    ['bootstrap', ['-o', 'short'], 'bootstrap'],
  ])('pcx %s %j: one masked request, the same output as from the whole dump', (table, flags, mask) => {
    const narrow = pcx(kubectlOnly, [table, POD, ...flags]);
    expect(narrow.calls).toEqual([
      [
        'kubectl',
        'exec',
        'hello-openshift-5b7bcb9b6d-kggwf',
        '-n',
        'vanilla-playground',
        '-c',
        'istio-proxy',
        '--',
        'pilot-agent',
        'request',
        'GET',
        `config_dump?mask=${mask}`,
      ],
    ]);
    const whole = pcx(both, [table, POD, ...flags]);
    expect(whole.calls[0].slice(0, 3)).toEqual(['istioctl', 'proxy-config', 'all']);
    expect(narrow.out.length).toBeGreaterThan(0);
    expect({ code: narrow.code, out: narrow.out, err: narrow.err }).toEqual({
      code: whole.code,
      out: whole.out,
      err: whole.err,
    });
  });

  it('--save keeps the whole dump (a saved file must answer any later question)', () => {
    const r = pcx(kubectlOnly, ['clusters', POD, '--save', 'saved.json']);
    expect(r.code).toBe(0);
    expect(r.calls.map((c) => c.at(-1))).toEqual(['config_dump?include_eds', 'clusters?format=json']);
  });

  it('--debug says what was asked of the cluster, so which part of the config was fetched', () => {
    const r = pcx(kubectlOnly, ['routes', POD, '--debug']);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      [
        'pcx: debug: ran istioctl proxy-config all hello-openshift-5b7bcb9b6d-kggwf -n vanilla-playground -o json  (not on PATH)',
        "pcx: debug: ran kubectl exec hello-openshift-5b7bcb9b6d-kggwf -n vanilla-playground -c istio-proxy -- pilot-agent request GET 'config_dump?mask=bootstrap,dynamic_route_configs,static_route_configs'  (exit 0)",
        '',
      ].join('\n'),
    );
  });

  it('explain still reads the whole dump', () => {
    const r = pcx(kubectlOnly, ['explain', POD, 'hello-openshift:8080/']);
    expect(r.calls[0].at(-1)).toBe('config_dump?include_eds');
  });
});
