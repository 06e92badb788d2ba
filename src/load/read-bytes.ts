/** Getting the bytes of an input: a file or stdin, gunzipped when it is gzip (by magic, not by name). */
import { readFile, stat } from 'node:fs/promises';
import { constants as bufferConstants } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { InputError, UsageError } from '../errors.js';

/** Overrides the most bytes pcx reads or inflates from one input (tests set it low). */
export const MAX_INPUT_ENV = 'PCX_MAX_INPUT_BYTES';
/** Far above any real dump (a 44,000-service mesh is 600 MB), far below what a gzip bomb inflates to. */
export const DEFAULT_MAX_INPUT_BYTES = 8e9;

/**
 * The bound on one input's bytes: $PCX_MAX_INPUT_BYTES or 8 GB, and never past the largest Buffer
 * Node can make (4 GiB on Node 20), whichever is lower. `why` says which bound it is, for messages.
 */
export function maxInputBytes(): { bytes: number; why: string } {
  const v = process.env[MAX_INPUT_ENV];
  let configured = DEFAULT_MAX_INPUT_BYTES;
  if (v !== undefined && v !== '') {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${MAX_INPUT_ENV}=${v} is not a positive number of bytes`);
    configured = n;
  }
  if (configured > bufferConstants.MAX_LENGTH)
    return { bytes: bufferConstants.MAX_LENGTH, why: `the most one input can be in Node ${process.versions.node}` };
  return {
    bytes: configured,
    why: v ? `the limit ${MAX_INPUT_ENV} sets` : `pcx's limit; set ${MAX_INPUT_ENV} to raise it`,
  };
}

export function fmtBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${n} bytes`;
}

export function tooLarge(what: string, limit: { bytes: number; why: string }): InputError {
  return new InputError(`${what} is larger than ${fmtBytes(limit.bytes)} (${limit.why}); no real config dump is`, {
    hint: 'if it really is a dump, raise the limit with PCX_MAX_INPUT_BYTES=<bytes>',
  });
}

/** `-` on the command line (the CLI passes it on as `<stdin>`, see cli.ts). */
export function isStdin(path: string): boolean {
  return path === '-' || path === '<stdin>';
}

export async function readInputBytes(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  let buf: Buffer;
  if (isStdin(path)) {
    const chunks: Buffer[] = [];
    const limit = maxInputBytes();
    let size = 0;
    for await (const c of stdin) {
      const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
      size += b.length;
      if (size > limit.bytes) throw tooLarge('stdin', limit);
      chunks.push(b);
    }
    buf = Buffer.concat(chunks);
    if (buf.length === 0)
      throw new InputError('stdin is empty: expected an Envoy config dump', {
        hint: 'pipe a dump in, e.g. `istioctl proxy-config all <pod> -o json | pcx explain - <host>`',
      });
  } else {
    try {
      const st = await stat(path);
      if (st.isDirectory()) throw new InputError(`${path} is a directory, not a config dump file`);
      const limit = maxInputBytes();
      if (st.size > limit.bytes) throw tooLarge(path, limit);
      buf = await readFile(path);
    } catch (e) {
      if (e instanceof InputError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        throw new InputError(`${path}: no such file`, {
          hint: 'give the path of a config dump, `-` for stdin, or a pod name',
        });
      if (code === 'EACCES') throw new InputError(`${path}: permission denied`);
      throw new InputError(`${path}: cannot read (${(e as Error).message})`);
    }
  }
  return isGzip(buf) ? gunzip(buf, isStdin(path) ? 'stdin' : path) : buf;
}

/** Bytes that may be gzip (by magic) → the plain bytes, inflation bounded. */
export function maybeGunzip(buf: Buffer, origin: string): Buffer {
  return isGzip(buf) ? gunzip(buf, origin) : buf;
}

export function isGzip(buf: Buffer): boolean {
  return buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/**
 * Inflation stops as soon as the output passes the limit (zlib's maxOutputLength), so a gzip bomb
 * costs at most the limit in memory and the time to inflate that much, never what it would become.
 */
function gunzip(buf: Buffer, path: string): Buffer {
  const limit = maxInputBytes();
  try {
    return gunzipSync(buf, { maxOutputLength: limit.bytes });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError)
      throw tooLarge(`${path} inflated`, limit);
    throw new InputError(`${path}: gzip data is corrupt or truncated (${(e as Error).message})`);
  }
}
