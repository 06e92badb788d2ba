/**
 * `istioctl bug-report` archives (`bug-report.tar.gz`) and their extracted directories. Each proxy
 * has `proxies/<ns>/<pod>/config_dump?include_eds` (the dump, EDS included) and `clusters` (the
 * text form of Envoy's `/clusters`), file names taken literally from the admin URLs
 * (istioctl-reference.md §5). Older reports and ztunnel pods have a plain `config_dump`.
 *
 * The archive is streamed (tar-stream over zlib) and nothing is written to disk: only the chosen
 * pod's files are kept, in memory, so a bug-report full of logs is never held whole. Every bound of
 * a plain input holds here too (read-bytes.ts): the archive's inflated stream and each member stop
 * at PCX_MAX_INPUT_BYTES with one clear line, and members are never extracted by their names (no
 * path from an archive is ever opened), so `../` or absolute member names cannot reach a file.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors.js';
import { maxInputBytes, tooLarge } from './read-bytes.js';
import { pickProxy, proxyKey, type ProxyName, type ProxyPick } from './pick-proxy.js';

/** The files pcx reads from one proxy's folder, best first. */
export const DUMP_FILES = ['config_dump?include_eds', 'config_dump'] as const;
export const CLUSTERS_FILE = 'clusters';
export const PROXY_FILE = /(?:^|\/)proxies\/([^/]+)\/([^/]+)\/(config_dump\?include_eds|config_dump|clusters)$/;

export interface BugReportProxy extends ProxyName {
  /** The dump on disk (in an extracted directory). */
  dumpPath?: string;
  /** The dump's bytes (read out of an archive). */
  dump?: Buffer;
  /** Where the dump came from, for messages: `proxies/<ns>/<pod>/config_dump?include_eds`. */
  dumpEntry: string;
  clustersPath?: string;
  clusters?: Buffer;
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
    return new InputError(
      `${origin}: an istioctl bug-report, but none of its proxies is a ztunnel (no proxies/<namespace>/<pod>/config_dump without ?include_eds)`,
      {
        hint: 'bug-reports hold ztunnel config dumps since Istio 1.2x when ambient is installed; or give a ztunnel /config_dump file',
      },
    );
  }
  return new InputError(
    `${origin}: ${what}, but not an istioctl bug-report (no proxies/<namespace>/<pod>/config_dump?include_eds in it)`,
    {
      hint: 'give a config dump file, an `istioctl bug-report` .tar.gz or its extracted directory, or a pod name',
    },
  );
}

// ---------------------------------------------------------------- tar / tar.gz

/** A member's bytes, bounded by the input limit (its header may lie about its size). */
async function readMember(entry: Readable, name: string, path: string): Promise<Buffer> {
  const limit = maxInputBytes();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of entry) {
    size += (c as Buffer).length;
    if (size > limit.bytes) throw tooLarge(`${path}: ${name}`, limit);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Picks a proxy from a bug-report tarball and reads its dump (and `clusters`) into memory.
 * One pass when `--pod` names the pod exactly or there is only one; a second pass only when the
 * choice is known after listing (a name prefix).
 */
export async function readArchiveProxy(path: string, gzip: boolean, pick: ProxyPick): Promise<BugReportProxy> {
  const listed = new Map<string, Listed>();
  const written = new Map<string, Map<string, Buffer>>(); // proxy key → file kind → bytes
  let firstKey: string | undefined;
  const wantedFirstPass = (p: ProxyName): boolean => {
    if (pick.pod)
      return proxyKey(p) === pick.pod || (p.pod === pick.pod && (!pick.namespace || p.namespace === pick.namespace));
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
    const w = written.get(key) ?? new Map<string, Buffer>();
    w.set(m[3], await readMember(entry, name, path));
    written.set(key, w);
    return true;
  });
  const proxies = [...listed.values()].filter((l) => dumpFileOf(l) && (pick.accept?.(l.files) ?? true));
  if (proxies.length === 0)
    throw notABugReport(path, 'a tar archive', [...listed.values()].some((l) => dumpFileOf(l)) && !!pick.accept);
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
      got.set(kind, await readMember(entry, name, path));
      return true;
    });
  }
  return {
    pod: chosen.pod,
    namespace: chosen.namespace,
    dump: files.get(dumpKind)!,
    dumpEntry: chosen.files.get(dumpKind)!,
    clusters: files.get(CLUSTERS_FILE),
    proxies: proxies.length,
  };
}

/**
 * Streams every regular file of the tarball through `onFile`, which returns true when it consumed
 * the entry; anything else is drained. Errors of the gzip layer become one-line input errors.
 */
export async function walkTar(
  path: string,
  gzip: boolean,
  onFile: (name: string, entry: Readable) => Promise<boolean>,
): Promise<void> {
  // loaded here: listing an extracted directory (fleet check, before its workers start) needs no tar code
  const { default: tar } = await import('tar-stream');
  const extract = tar.extract();
  const src = createReadStream(path);
  const fail = (e: Error) => extract.destroy(e);
  src.on('error', fail);
  if (gzip) {
    const gunzip = createGunzip();
    gunzip.on('error', fail);
    // the inflated stream is bounded like a gzipped dump: a bomb stops at the limit, not at the disk's end
    const limit = maxInputBytes();
    let inflated = 0;
    const counter = new Transform({
      transform(c: Buffer, _e, cb) {
        inflated += c.length;
        if (inflated > limit.bytes) cb(tooLarge(`${path} inflated`, limit));
        else cb(null, c);
      },
    });
    counter.on('error', fail);
    src.pipe(gunzip).pipe(counter).pipe(extract);
  } else {
    src.pipe(extract);
  }
  try {
    for await (const entry of extract) {
      const h = entry.header;
      const name = h.name.replace(/^\.\//, '');
      const consumed =
        h.type === 'file' || h.type === 'contiguous-file' || !h.type
          ? await onFile(name, entry as unknown as Readable)
          : false;
      if (!consumed) entry.resume();
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const msg = (e as Error).message;
    throw new InputError(`${path}: cannot read the archive (${msg})`, {
      hint: 'it may be corrupt or truncated: copy the bug-report again, or extract it and pass the directory',
    });
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
    const root = await firstDir([
      join(abs, 'proxies'),
      join(abs, 'bug-report', 'proxies'),
      basename(abs) === 'proxies' ? abs : '',
    ]);
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
  await insideDirectory(abs, dir, [dumpPath, chosen.files.get(CLUSTERS_FILE)]);
  return {
    pod: chosen.pod,
    namespace: chosen.namespace,
    dumpPath,
    dumpEntry: dumpPath,
    clustersPath: chosen.files.get(CLUSTERS_FILE),
    proxies: proxies.length,
  };
}

/**
 * The files read from an extracted report must be in it: a symlink pointing outside (planted in a
 * report someone sent) is refused, as archive members never leave the archive.
 */
async function insideDirectory(abs: string, dir: string, files: (string | undefined)[]): Promise<void> {
  const root = await realpath(abs);
  for (const f of files) {
    if (!f) continue;
    let real: string;
    try {
      real = (await lstat(f)).isSymbolicLink() ? await realpath(f) : f;
    } catch {
      continue; // reading it says what is wrong
    }
    const r = await realpath(dirname(real)).catch(() => dirname(real));
    if (r !== root && !r.startsWith(root + sep)) {
      throw new InputError(
        `${dir}: ${f.slice(abs.length + 1)} leads outside the bug-report directory (to ${join(r, basename(real))}); refused`,
        {
          hint: 'a bug-report is read only from its own files: copy the real file in place of the link if you trust it',
        },
      );
    }
  }
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
