/**
 * --save: the dump as it was read, so `pcx <command> <file> …` asks the same question offline. With
 * live endpoint health it is `{"config_dump": <dump>, "clusters": <clusters>}`, which loadModel
 * reads back as both (and any dump reader as the dump: `config_dump` is a known wrapper). A dump
 * that needed no unwrapping is copied byte for byte, minus the HTTP status line `pilot-agent
 * request` may print first.
 *
 * Written safely, as a file in a shared directory must be: an existing file is replaced only with
 * --force (keeping its mode), a symlink is never written through, and the bytes go to a temporary
 * file created exclusively (`wx`, a random name, mode 0600) next to the target, then renamed over
 * it: a failure never leaves half a file, and nobody can plant a link at the temporary name.
 */
import { createReadStream } from 'node:fs';
import { lstat, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { isGzip } from './read-bytes.js';
import { statusLineLength as prefixLength } from './status-line.js';
import type { Json } from '../model/envoy-types.js';

export interface SaveWhat {
  dumpPath?: string;
  dumpBytes?: Buffer;
  rawIsDump: boolean;
  dump: Json;
  clusters?: Json;
  force?: boolean;
}

/** Bytes of the status line before the JSON, when JSON follows it (latin1: one character per byte). */
function statusLineLength(head: Buffer): number {
  if (isGzip(head)) return 0;
  const text = head.subarray(0, 256).toString('latin1');
  const n = prefixLength(text);
  return n && /^\s*[[{]/.test(text.slice(n)) ? n : 0;
}

export async function saveFetched(path: string, s: SaveWhat): Promise<void> {
  if (s.dumpPath && resolve(path) === resolve(s.dumpPath) && s.rawIsDump && !s.clusters) return; // already there
  let mode = 0o600;
  const existing = await lstat(path).catch(() => undefined);
  if (existing) {
    if (existing.isSymbolicLink())
      throw new UsageError(`--save ${path}: it is a symbolic link; pcx does not write through links`, {
        hint: 'give the real path, or remove the link',
      });
    if (!existing.isFile()) throw new UsageError(`--save ${path}: it exists and is not a regular file`);
    if (!s.force) throw new UsageError(`--save ${path}: the file exists; add --force to replace it`);
    mode = existing.mode & 0o777;
  }
  const { randomBytes } = await import('node:crypto'); // only when saving: node:crypto costs every start-up ms
  const tmpPath = join(dirname(path), `.${basename(path)}.pcx-${randomBytes(8).toString('hex')}.tmp`);
  let fh: FileHandle | undefined;
  try {
    fh = await open(tmpPath, 'wx', mode);
    if (s.rawIsDump && !s.clusters && s.dumpBytes) {
      await fh.writeFile(s.dumpBytes.subarray(statusLineLength(s.dumpBytes)));
    } else if (s.rawIsDump && !s.clusters && s.dumpPath) {
      await copyWithoutStatusLine(s.dumpPath, fh);
    } else {
      const body = s.clusters ? { config_dump: s.dump, clusters: s.clusters } : s.dump;
      await fh.writeFile(JSON.stringify(body) + '\n');
    }
    await fh.chmod(mode); // the umask may have narrowed it; the target's own mode is kept
    await fh.close();
    fh = undefined;
    await rename(tmpPath, path);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') await rm(tmpPath, { force: true });
    throw new InputError(`--save ${path}: cannot write (${(e as Error).message})`);
  }
}

async function copyWithoutStatusLine(from: string, to: FileHandle): Promise<void> {
  const src = await open(from, 'r');
  let start = 0;
  try {
    const head = Buffer.alloc(256);
    const { bytesRead } = await src.read(head, 0, head.length, 0);
    start = statusLineLength(head.subarray(0, bytesRead));
  } finally {
    await src.close();
  }
  for await (const chunk of createReadStream(from, { start })) await to.write(chunk as Buffer);
}
