/**
 * The other proxies a source holds (issue 16, across proxies): every pod of an `istioctl
 * bug-report` archive or directory besides the chosen one, and the sources given with `--via`.
 * Each is loaded as its own model (through loadModel, so every source kind behaves as usual).
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { classifySource } from './source-spec.js';
import { loadModel, type LoadModelOptions } from './load-model.js';
import type { ConfigModel } from '../model/config-model.js';

const PROXY_FILE = /(?:^|\/)proxies\/([^/]+)\/([^/]+)\/(config_dump\?include_eds|config_dump)$/;

/** `<pod>.<namespace>` of every proxy in a bug-report archive or directory; [] for other sources. */
export async function listBugReportProxies(source: string): Promise<string[]> {
  const spec = await classifySource(source);
  const keys = new Set<string>();
  if (spec.kind === 'archive') {
    const { default: tar } = await import('tar-stream'); // only for a bug-report: a dump explains without it
    const extract = tar.extract();
    const src = createReadStream(spec.path);
    (spec.gzip ? src.pipe(createGunzip()) : src).pipe(extract);
    try {
      for await (const entry of extract) {
        const m = PROXY_FILE.exec(entry.header.name.replace(/^\.\//, ''));
        if (m) keys.add(`${m[2]}.${m[1]}`);
        entry.resume();
      }
    } finally {
      src.destroy();
    }
  } else if (spec.kind === 'directory') {
    const walk = async (dir: string, depth: number, rel: string): Promise<void> => {
      if (depth > 5) return;
      for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(join(dir, e.name), depth + 1, r);
        else {
          const m = PROXY_FILE.exec(r);
          if (m) keys.add(`${m[2]}.${m[1]}`);
        }
      }
    };
    await walk(spec.path, 0, '');
  }
  return [...keys].sort();
}

/**
 * The proxies to follow a request into: the other pods of a bug-report `source` (not `chosen`),
 * then each `--via` source. At most `limit` from the report (each is a whole config dump).
 */
export async function loadPeers(
  source: string,
  chosen: ConfigModel,
  via: string[],
  opts: LoadModelOptions = {},
  limit = 50,
): Promise<{ peers: ConfigModel[]; skipped: number }> {
  const peers: ConfigModel[] = [];
  const keys = (await listBugReportProxies(source)).filter(
    (k) => k !== `${chosen.proxy.pod}.${chosen.proxy.namespace}`,
  );
  for (const k of keys.slice(0, limit)) peers.push(await loadModel(source, { ...opts, pod: k, namespace: undefined }));
  for (const v of via) peers.push(await loadModel(v, { ...opts, pod: undefined }));
  return { peers, skipped: Math.max(0, keys.length - limit) };
}
