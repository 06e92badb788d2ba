/** Shared by the table tests: fixture paths, model loading, a fake Io for the CLI. */
import { readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { buildModel } from '../../src/model/build-model.js';
import type { ConfigModel } from '../../src/model/config-model.js';
import type { Io } from '../../src/commands/context.js';

const R = 'test/fixtures/real/';
export const DUMPS = {
  waypoint: R + 'istio__istio__istioctl__pkg__proxyconfig__testdata__config_dump.json',
  waypointSummary: R + 'istio__istio__istioctl__pkg__proxyconfig__testdata__config_dump_summary.txt',
  sidecar118: R + 'TZ-Zephrus__DeathStarBench__config_dump.json',
  sidecar120: R + 'alizard0__openshift-istio-playground__config_dumps__hello-openshift-config-dump.json',
  gateway120: R + 'alizard0__openshift-istio-playground__config_dumps__ingresspod-config-dump.json',
  sidecar122: R + 'ServiceLayerNetworking__multiparty-lb__envoy_config_dump.json',
  sidecar19: R + 'slime-io__scout__config_dump.json',
  gateway13v2alpha: R + 'istio__istio__istioctl__cmd__testdata__describe__istio-ingressgateway-5bf6c9887-vvvmj.json',
  sidecar14v2alpha: R + 'istio__istio__istioctl__cmd__testdata__describe__productpage-v1-c7765c886-v99jb.json',
  ldsOnly: R + 'istio__istio__istioctl__pkg__authz__testdata__configdump.yaml',
  edsOnly: R + 'istio__istio__istioctl__pkg__writer__envoy__configdump__testdata__endpoint__configdump.json',
  clustersJson: R + 'istio__istio__istioctl__pkg__writer__envoy__clusters__testdata__clusters.json',
  osm: R + 'openservicemesh__osm__pkg__cli__verifier__testdata__sample-envoy-config-dump-bookstore.json',
  envoyGateway: R + 'envoyproxy__gateway__internal__cmd__egctl__testdata__config__in__in.all.json',
  gatewayRoutes: 'test/fixtures/examples/istio-gateway-RoutesConfigDump-http-route-prefix.json',
  k8sGatewayRoutes: 'test/fixtures/examples/istio-k8s-gateway-RoutesConfigDump-path-prefix.json',
} as const;

const cache = new Map<string, ConfigModel>();

/** A model of a fixture (cached: the tables never modify it). */
export function model(path: string): ConfigModel {
  let m = cache.get(path);
  if (!m) {
    m = buildModel(JSON.parse(readFileSync(path, 'utf8')), path);
    cache.set(path, m);
  }
  return m;
}

export function text(path: string): string {
  return readFileSync(path, 'utf8');
}

/** A fixed "now" for VALID CERT, so goldens do not change with the date. */
export const NOW = new Date('2025-06-05T00:00:00Z');

export interface FakeIo extends Io {
  out(): string;
  err(): string;
}

export function fakeIo(opts: { tty?: boolean; stdin?: string } = {}): FakeIo {
  const stdout = new PassThrough() as PassThrough & { isTTY?: boolean };
  const stderr = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdout.isTTY = opts.tty;
  stderr.isTTY = opts.tty;
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on('data', (b: Buffer) => o.push(b));
  stderr.on('data', (b: Buffer) => e.push(b));
  return {
    stdout,
    stderr,
    stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
    out: () => Buffer.concat(o).toString('utf8'),
    err: () => Buffer.concat(e).toString('utf8'),
  };
}
