/**
 * What the `<source>` argument names: stdin, a dump file, an `istioctl bug-report` archive or its
 * extracted directory, or a live pod (`<pod>[.<namespace>]`, `deployment/<name>[.<namespace>]`).
 *
 * An existing path always wins. A path that does not exist is a pod only when it looks like one
 * (a DNS-1123 name, optionally `<type>/` in front), so a mistyped `dump.json` still gets
 * "no such file" instead of a kubectl error.
 */
// sync calls: a stat and one 8 KB read, where node:fs/promises (and its thread-pool hops) cost every start-up ≈1 ms
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { constants as zc, gunzipSync } from 'node:zlib';
import { isStdin } from './read-bytes.js';

export type SourceSpec =
  | { kind: 'stdin' }
  | { kind: 'file'; path: string }
  | { kind: 'archive'; path: string; gzip: boolean }
  | { kind: 'directory'; path: string }
  | { kind: 'live'; pod: PodRef }
  /** Neither an existing path nor pod-like: the file loader reports "no such file". */
  | { kind: 'missing'; path: string };

export interface PodRef {
  /** What istioctl and kubectl take as the target: `name` or `type/name`, without the namespace. */
  target: string;
  /** From `name.namespace`; undefined means "the -n flag, else the kube context's namespace". */
  namespace?: string;
}

/**
 * Resource types istioctl's InferPodInfoFromTypedResource and `kubectl exec TYPE/NAME` both resolve
 * to a pod (istioctl-reference.md §1: `[<type>/]<name>[.<namespace>]`).
 */
const POD_TYPES = new Set([
  'pod',
  'pods',
  'po',
  'deployment',
  'deployments',
  'deploy',
  'statefulset',
  'statefulsets',
  'sts',
  'daemonset',
  'daemonsets',
  'ds',
  'replicaset',
  'replicasets',
  'rs',
  'job',
  'jobs',
  'service',
  'services',
  'svc',
]);

/** Extensions that mark a dotted word as a file name, not `name.namespace`. */
const FILE_EXTENSIONS = new Set([
  'json',
  'gz',
  'tgz',
  'tar',
  'yaml',
  'yml',
  'txt',
  'log',
  'dump',
  'zip',
  'out',
  'jsonl',
  'bz2',
  'xz',
  'zst',
]);

const DNS_LABEL = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?';
const POD_LIKE = new RegExp(`^(?:([a-z]+)/)?(${DNS_LABEL}(?:\\.${DNS_LABEL})*)$`);

/**
 * Parses `[<type>/]<name>[.<namespace>]` the way istioctl does (`inferNsInfo`: the namespace is
 * what follows the last dot). Returns undefined for anything that does not look like a pod.
 */
export function parsePodRef(arg: string): PodRef | undefined {
  if (arg.length > 253 + 64) return undefined;
  const m = POD_LIKE.exec(arg);
  if (!m) return undefined;
  const [, type, rest] = m;
  if (type !== undefined && !POD_TYPES.has(type)) return undefined;
  const dot = rest.lastIndexOf('.');
  if (dot < 0) return { target: type ? `${type}/${rest}` : rest };
  const ns = rest.slice(dot + 1);
  if (FILE_EXTENSIONS.has(ns)) return undefined;
  const name = rest.slice(0, dot);
  return { target: type ? `${type}/${name}` : name, namespace: ns };
}

export async function classifySource(arg: string): Promise<SourceSpec> {
  if (isStdin(arg)) return { kind: 'stdin' };
  let isDir = false;
  try {
    const st = statSync(arg);
    isDir = st.isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return { kind: 'file', path: arg }; // let the file loader word it
    const pod = parsePodRef(arg);
    return pod ? { kind: 'live', pod } : { kind: 'missing', path: arg };
  }
  if (isDir) return { kind: 'directory', path: arg };
  const tar = sniffTar(arg);
  return tar ? { kind: 'archive', path: arg, gzip: tar.gzip } : { kind: 'file', path: arg };
}

/**
 * A tar is recognised by its content, not its name: the first header block carries the `ustar`
 * magic at offset 257 (POSIX.1-1988 and GNU tar both). A gzip file is inflated just far enough
 * to see that block, so `dump.json.gz` stays a dump and `bug-report.tar.gz` becomes an archive.
 */
export function sniffTar(path: string): { gzip: boolean } | undefined {
  let head: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      // the first header block is the first 512 bytes inside; a few KB of gzip hold it, and
      // inflating only that little bounds the work (a dump.json.gz is never inflated whole here)
      const buf = Buffer.alloc(8 * 1024);
      const bytesRead = readSync(fd, buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined; // unreadable: the file loader reports why
  }
  if (isUstar(head)) return { gzip: false };
  if (head.length > 2 && head[0] === 0x1f && head[1] === 0x8b) {
    try {
      // SYNC_FLUSH: inflate what we have instead of failing on the missing end of the stream
      const inner = gunzipSync(head, { finishFlush: zc.Z_SYNC_FLUSH });
      if (isUstar(inner)) return { gzip: true };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function isUstar(b: Buffer): boolean {
  return b.length >= 262 && b.toString('latin1', 257, 262) === 'ustar';
}
