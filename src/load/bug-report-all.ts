/**
 * Every proxy of an `istioctl bug-report` (for `pcx check` fleet mode), where archive.ts picks one.
 * A tarball is streamed once and each proxy's dump (and `clusters`) written to `outDir`; an
 * extracted directory is only listed. Proxies come back sorted by `<pod>.<namespace>`.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InputError } from '../errors.js';
import { proxyKey, type ProxyName } from './pick-proxy.js';
import {
  CLUSTERS_FILE,
  dumpFileOf,
  firstDir,
  listNamespaceDir,
  listPodDir,
  listProxiesRoot,
  PROXY_FILE,
  walkTar,
  type Listed,
} from './archive.js';

export interface ReportProxyFiles extends ProxyName {
  dumpPath: string;
  /** `proxies/<ns>/<pod>/config_dump?include_eds`, for messages. */
  dumpEntry: string;
  clustersPath?: string;
}

function done(listed: Listed[], origin: string, what: string): ReportProxyFiles[] {
  const out: ReportProxyFiles[] = [];
  for (const l of listed) {
    const kind = dumpFileOf(l);
    if (!kind) continue;
    out.push({
      pod: l.pod,
      namespace: l.namespace,
      dumpPath: l.files.get(kind)!,
      dumpEntry: `proxies/${l.namespace}/${l.pod}/${kind}`,
      clustersPath: l.files.get(CLUSTERS_FILE),
    });
  }
  if (!out.length) {
    throw new InputError(
      `${origin}: ${what}, but not an istioctl bug-report (no proxies/<namespace>/<pod>/config_dump?include_eds in it)`,
      {
        hint: 'give an `istioctl bug-report` .tar.gz or its extracted directory',
      },
    );
  }
  return out.sort((a, b) => proxyKey(a).localeCompare(proxyKey(b)));
}

export async function extractAllProxies(path: string, gzip: boolean, outDir: string): Promise<ReportProxyFiles[]> {
  const listed = new Map<string, Listed>();
  let n = 0;
  await walkTar(path, gzip, async (name, entry) => {
    const m = PROXY_FILE.exec(name);
    if (!m) return false;
    const p: ProxyName = { namespace: m[1], pod: m[2] };
    const key = proxyKey(p);
    let l = listed.get(key);
    if (!l) listed.set(key, (l = { ...p, files: new Map() }));
    const dir = join(outDir, String(n++));
    await mkdir(dir, { recursive: true });
    const out = join(dir, m[3].replace(/\W/g, '_'));
    await pipeline(entry, createWriteStream(out));
    l.files.set(m[3], out);
    return true;
  });
  return done([...listed.values()], path, 'a tar archive');
}

export async function listDirectoryProxies(dir: string): Promise<ReportProxyFiles[]> {
  const abs = resolve(dir);
  const single = await listPodDir(abs, basename(dirname(abs)), basename(abs));
  let proxies: Listed[];
  if (single) proxies = [single];
  else {
    const root = await firstDir([
      join(abs, 'proxies'),
      join(abs, 'bug-report', 'proxies'),
      basename(abs) === 'proxies' ? abs : '',
    ]);
    if (root) proxies = await listProxiesRoot(root);
    else if (basename(dirname(abs)) === 'proxies') proxies = await listNamespaceDir(abs, basename(abs));
    else proxies = [];
  }
  return done(proxies, dir, 'a directory');
}
