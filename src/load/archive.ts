/**
 * `istioctl bug-report` archives (`bug-report.tar.gz`) and their extracted directories. Each proxy
 * has `proxies/<ns>/<pod>/config_dump?include_eds` (the dump, EDS included) and `clusters` (the
 * text form of Envoy's `/clusters`), file names taken literally from the admin URLs
 * (istioctl-reference.md §5). Older reports and ztunnel pods have a plain `config_dump`.
 *
 * The archive is streamed (tar-stream over zlib): only the chosen pod's files are written out, to a
 * directory the caller owns, so a bug-report full of logs is never held in memory.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { InputError } from '../errors.js';
import { pickProxy, proxyKey, type ProxyName, type ProxyPick } from './pick-proxy.js';

/** The files pcx reads from one proxy's folder, best first. */
export const DUMP_FILES = ['config_dump?include_eds', 'config_dump'] as const;
export const CLUSTERS_FILE = 'clusters';
export const PROXY_FILE = /(?:^|\/)proxies\/([^/]+)\/([^/]+)\/(config_dump\?include_eds|config_dump|clusters)$/;

export interface BugReportProxy extends ProxyName {
  /** The dump on disk (in the extracted directory, or written out of the archive). */
  dumpPath: string;
  /** Where the dump came from, for messages: `proxies/<ns>/<pod>/config_dump?include_eds`. */
  dumpEntry: string;
  clustersPath?: string;
  /** How many proxies the report holds (1: no need to name the pod to ask again). */
  proxies: number;
}

export interface Listed extends ProxyName {
  /** file kind → path inside the archive or on disk */
  files: Map<string, string>;
}

export function dumpFileOf(p: Listed): string | undefined {
  for (const f of DUMP_FILES) if (p.files.has(f)) return f;
  return undefined;
}

function notABugReport(origin: string, what: string, noneAccepted = false): InputError {
  if (noneAccepted) {
    return new InputError(`${origin}: an istioctl bug-report, but none of its proxies is a ztunnel (no proxies/<namespace>/<pod>/config_dump without ?include_eds)`, {
      hint: 'bug-reports hold ztunnel config dumps since Istio 1.2x when ambient is installed; or give a ztunnel /config_dump file',
    });
  }
  return new InputError(`${origin}: ${what}, but not an istioctl bug-report (no proxies/<namespace>/<pod>/config_dump?include_eds in it)`, {
    hint: 'give a config dump file, an `istioctl bug-report` .tar.gz or its extracted directory, or a pod name',
  });
}

// ---------------------------------------------------------------- tar / tar.gz

/**
 * Picks a proxy from a bug-report tarball and writes its dump (and `clusters`) into `outDir`.
 * One pass when `--pod` names the pod exactly or there is only one; a second pass only when the
 * choice is known after listing (a name prefix).
 */
export async function readArchiveProxy(path: string, gzip: boolean, pick: ProxyPick, outDir: string): Promise<BugReportProxy> {
  const listed = new Map<string, Listed>();
  const written = new Map<string, Map<string, string>>(); // proxy key → file kind → extracted path
  let firstKey: string | undefined;
  const wantedFirstPass = (p: ProxyName): boolean => {
    if (pick.pod) return proxyKey(p) === pick.pod || (p.pod === pick.pod && (!pick.namespace || p.namespace === pick.namespace));
    if (pick.namespace && p.namespace !== pick.namespace) return false;
    firstKey ??= proxyKey(p);
    return firstKey === proxyKey(p);
  };
  await walkTar(path, gzip, async (name, entry) => {
    const m = PROXY_FILE.exec(name);
    if (!m) return false;
    const p: ProxyName = { namespace: m[1], pod: m[2] };
    const key = proxyKey(p);
    let l = listed.get(key);
    if (!l) listed.set(key, (l = { ...p, files: new Map() }));
    l.files.set(m[3], name);
    if (!wantedFirstPass(p)) return false;
    const out = join(outDir, `${written.size}-${m[3].replace(/\W/g, '_')}`);
    await pipeline(entry, createWriteStream(out));
    const w = written.get(key) ?? new Map<string, string>();
    w.set(m[3], out);
    written.set(key, w);
    return true;
  });
  const proxies = [...listed.values()].filter((l) => dumpFileOf(l) && (pick.accept?.(l.files) ?? true));
  if (proxies.length === 0) throw notABugReport(path, 'a tar archive', [...listed.values()].some((l) => dumpFileOf(l)) && !!pick.accept);
  const chosen = pickProxy(proxies, pick, path);
  const dumpKind = dumpFileOf(chosen)!;
  let files = written.get(proxyKey(chosen));
  if (!files?.has(dumpKind)) {
    const names = new Map([...chosen.files].map(([kind, name]) => [name, kind]));
    files = new Map();
    const got = files;
    await walkTar(path, gzip, async (name, entry) => {
      const kind = names.get(name);
      if (!kind) return false;
      const out = join(outDir, `chosen-${kind.replace(/\W/g, '_')}`);
      await pipeline(entry, createWriteStream(out));
      got.set(kind, out);
      return true;
    });
  }
  return {
    pod: chosen.pod,
    namespace: chosen.namespace,
    dumpPath: files.get(dumpKind)!,
    dumpEntry: chosen.files.get(dumpKind)!,
    clustersPath: files.get(CLUSTERS_FILE),
    proxies: proxies.length,
  };
}

/**
 * Streams every regular file of the tarball through `onFile`, which returns true when it consumed
 * the entry; anything else is drained. Errors of the gzip layer become one-line input errors.
 */
export async function walkTar(path: string, gzip: boolean, onFile: (name: string, entry: Readable) => Promise<boolean>): Promise<void> {
  const extract = tar.extract();
  const src = createReadStream(path);
  const fail = (e: Error) => extract.destroy(e);
  src.on('error', fail);
  if (gzip) {
    const gunzip = createGunzip();
    gunzip.on('error', fail);
    src.pipe(gunzip).pipe(extract);
  } else {
    src.pipe(extract);
  }
  try {
    for await (const entry of extract) {
      const h = entry.header;
      const name = h.name.replace(/^\.\//, '');
      const consumed = (h.type === 'file' || h.type === 'contiguous-file' || !h.type) ? await onFile(name, entry as unknown as Readable) : false;
      if (!consumed) entry.resume();
    }
  } catch (e) {
    const msg = (e as Error).message;
    throw new InputError(`${path}: cannot read the archive (${msg})`, { hint: 'it may be corrupt or truncated: copy the bug-report again, or extract it and pass the directory' });
  } finally {
    src.destroy();
  }
}

// ---------------------------------------------------------------- extracted directory

/**
 * Picks a proxy from an extracted bug-report. Accepts the report's root (holding `proxies/`), the
 * directory it was extracted into (holding `bug-report/proxies/`), `proxies/` itself, one
 * namespace folder under it, or one pod folder.
 */
export async function readDirectoryProxy(dir: string, pick: ProxyPick): Promise<BugReportProxy> {
  const abs = resolve(dir);
  const single = await listPodDir(abs, basename(dirname(abs)), basename(abs));
  let proxies: Listed[];
  if (single) {
    proxies = [single];
  } else {
    const root = await firstDir([join(abs, 'proxies'), join(abs, 'bug-report', 'proxies'), basename(abs) === 'proxies' ? abs : '']);
    if (root) proxies = await listProxiesRoot(root);
    else if (basename(dirname(abs)) === 'proxies') proxies = await listNamespaceDir(abs, basename(abs));
    else proxies = [];
  }
  const anyProxy = proxies.some((l) => dumpFileOf(l));
  proxies = proxies.filter((l) => dumpFileOf(l) && (pick.accept?.(l.files) ?? true));
  if (proxies.length === 0) throw notABugReport(dir, 'a directory', anyProxy && !!pick.accept);
  const chosen = pickProxy(proxies, pick, dir);
  const dumpKind = dumpFileOf(chosen)!;
  const dumpPath = chosen.files.get(dumpKind)!;
  return {
    pod: chosen.pod,
    namespace: chosen.namespace,
    dumpPath,
    dumpEntry: dumpPath,
    clustersPath: chosen.files.get(CLUSTERS_FILE),
    proxies: proxies.length,
  };
}

async function isDir(p: string): Promise<boolean> {
  if (!p) return false;
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

export async function firstDir(candidates: string[]): Promise<string | undefined> {
  for (const c of candidates) if (await isDir(c)) return c;
  return undefined;
}

export async function listPodDir(dir: string, namespace: string, pod: string): Promise<Listed | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  const files = new Map<string, string>();
  for (const f of [...DUMP_FILES, CLUSTERS_FILE]) if (names.includes(f)) files.set(f, join(dir, f));
  return [...DUMP_FILES].some((f) => files.has(f)) ? { namespace, pod, files } : undefined;
}

export async function listNamespaceDir(dir: string, namespace: string): Promise<Listed[]> {
  const out: Listed[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const l = await listPodDir(join(dir, e.name), namespace, e.name);
    if (l) out.push(l);
  }
  return out;
}

export async function listProxiesRoot(root: string): Promise<Listed[]> {
  const out: Listed[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await listNamespaceDir(join(root, e.name), e.name)));
  }
  return out;
}
