/** Getting the bytes of an input: a file or stdin, gunzipped when it is gzip (by magic, not by name). */
import { readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors.js';

/** `-` on the command line (the CLI passes it on as `<stdin>`, see cli.ts). */
export function isStdin(path: string): boolean {
  return path === '-' || path === '<stdin>';
}

export async function readInputBytes(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  let buf: Buffer;
  if (isStdin(path)) {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
    buf = Buffer.concat(chunks);
    if (buf.length === 0) throw new InputError('stdin is empty: expected an Envoy config dump', { hint: 'pipe a dump in, e.g. `istioctl proxy-config all <pod> -o json | pcx explain - <host>`' });
  } else {
    try {
      const st = await stat(path);
      if (st.isDirectory()) throw new InputError(`${path} is a directory, not a config dump file`);
      buf = await readFile(path);
    } catch (e) {
      if (e instanceof InputError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new InputError(`${path}: no such file`, { hint: 'give the path of a config dump, `-` for stdin, or a pod name' });
      if (code === 'EACCES') throw new InputError(`${path}: permission denied`);
      throw new InputError(`${path}: cannot read (${(e as Error).message})`);
    }
  }
  return isGzip(buf) ? gunzip(buf, isStdin(path) ? 'stdin' : path) : buf;
}

export function isGzip(buf: Buffer): boolean {
  return buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

function gunzip(buf: Buffer, path: string): Buffer {
  try {
    return gunzipSync(buf);
  } catch (e) {
    throw new InputError(`${path}: gzip data is corrupt or truncated (${(e as Error).message})`);
  }
}
