/** Shared by the loading, archive and live tests: fixture paths, a bug-report built at test time, temp dirs. */
import { fileURLToPath } from 'node:url';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

// import.meta.dirname is not set under jest's VM modules: derive it from the URL
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = join(ROOT, 'test/fixtures/live');
export const PRODUCTPAGE = 'productpage-v1-64794f5db4-blnt8';
export const WAYPOINT = 'httpbin-istio-waypoint-58f646c5ff-dbfkz';

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

export function tempDir(prefix = 'pcx-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The files of a small `istioctl bug-report`, laid out as istioctl-reference.md §5 describes. */
export function bugReportFiles(): Record<string, Buffer> {
  return {
    'bug-report/versions': Buffer.from('client version: 1.22.3\n'),
    'bug-report/cluster/pods': Buffer.from('NAME READY\n'),
    [`bug-report/proxies/default/${PRODUCTPAGE}/config_dump?include_eds`]: fixture('productpage.json'),
    [`bug-report/proxies/default/${PRODUCTPAGE}/clusters`]: fixture('productpage-clusters.txt'),
    [`bug-report/proxies/default/${PRODUCTPAGE}/istio-proxy.log`]: Buffer.from('log line\n'),
    [`bug-report/proxies/default/${PRODUCTPAGE}/stats/prometheus`]: Buffer.from('# stats\n'),
    [`bug-report/proxies/default/${WAYPOINT}/config_dump?include_eds`]: fixture('waypoint.json'),
    'bug-report/istio/istio-system/istiod-1/debug/configz': Buffer.from('[]'),
  };
}

/** A tarball of `files`, gzipped unless told otherwise, built with tar-stream. */
export async function makeTar(files: Record<string, Buffer>, gzip = true): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  const dirs = new Set<string>();
  for (const [name, body] of Object.entries(files)) {
    for (let d = dirname(name); d !== '.' && !dirs.has(d); d = dirname(d)) {
      dirs.add(d);
      pack.entry({ name: d + '/', type: 'directory' });
    }
    pack.entry({ name, size: body.length }, body);
  }
  pack.finalize();
  await done;
  const t = Buffer.concat(chunks);
  return gzip ? gzipSync(t) : t;
}

export function writeTree(root: string, files: Record<string, Buffer>): void {
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), body);
  }
}
