/**
 * The one loader interface: a source path (or `-`) → parsed JSON document. Everything after it
 * (model, resolver, renderers) sees only the document, whichever way it was parsed:
 * - up to V8's string limit, as text with JSON.parse (the fastest way there is);
 * - past it, straight from the Buffer, piece by piece (stream-parse.ts), since no string can hold
 *   the text. A .gz is gunzipped to a Buffer first, which may be larger than any string.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { isGzip, isStdin, maxInputBytes, maybeGunzip, readInputBytes } from './read-bytes.js';
import { isYamlBuffer, parseDumpText } from './yaml-input.js'; // JSON, or YAML by content
import { MAX_PIECE_BYTES, parseJsonBuffer } from './stream-parse.js';
import type { Json } from '../model/envoy-types.js';

/** V8's maximum string length (2^29 - 24 characters). */
export const MAX_STRING_BYTES = 536_870_888;

/** Overrides the size from which the Buffer parser is used (tests set it low to run that path on small files). */
export const STREAM_THRESHOLD_ENV = 'PCX_STREAM_THRESHOLD';

export interface LoadedDocument {
  origin: string;
  doc: Json;
  bytes: number;
}

export interface LoadDocumentOptions {
  /** Inputs of at least this many bytes are parsed from the Buffer; default: V8's string limit. */
  streamThreshold?: number;
}

export async function loadDocument(path: string, stdin?: NodeJS.ReadableStream, opts: LoadDocumentOptions = {}): Promise<LoadedDocument> {
  const origin = isStdin(path) ? 'stdin' : path;
  const threshold = opts.streamThreshold ?? thresholdFromEnv() ?? MAX_STRING_BYTES;
  const plain = plainFileText(path, threshold);
  if (plain) return { origin, doc: parseDumpText(plain.text, origin), bytes: plain.bytes };
  return documentFromBytes(await readInputBytes(path, stdin), origin, threshold);
}

/** Bytes already read (an archive member) → document, as for a file: gunzipped when gzip, bounded. */
export function loadDocumentFromBytes(raw: Buffer, origin: string, opts: LoadDocumentOptions = {}): LoadedDocument {
  return documentFromBytes(maybeGunzip(raw, origin), origin, opts.streamThreshold ?? thresholdFromEnv() ?? MAX_STRING_BYTES);
}

function documentFromBytes(bytesIn: Buffer | undefined, origin: string, threshold: number): LoadedDocument {
  let buf: Buffer | undefined = bytesIn!;
  bytesIn = undefined; // buf is then the only reference, dropped before JSON.parse
  const bytes = buf.length;
  if (bytes >= threshold && !isYamlBuffer(buf, origin)) {
    return { origin, doc: parseJsonBuffer(buf, origin, Math.min(MAX_PIECE_BYTES, threshold)), bytes };
  }
  const text = buf.toString('utf8');
  buf = undefined; // let the bytes go before JSON.parse builds the document: peak memory is text + document
  return { origin, doc: parseDumpText(text, origin), bytes };
}

/**
 * The common case, a plain file under the threshold, read straight into a string: Node decodes it
 * without a Buffer the size of the file staying alive next to the text and the document (a 250 MB
 * dump would otherwise peak at about 1.4× the memory of a bare JSON.parse). Anything else (stdin,
 * gzip, a big file, an error) is left to readInputBytes, which also says what went wrong.
 */
function plainFileText(path: string, threshold: number): { text: string; bytes: number } | undefined {
  if (isStdin(path)) return undefined;
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size >= threshold || st.size > maxInputBytes().bytes) return undefined;
    const head = Buffer.alloc(3);
    const fd = openSync(path, 'r');
    try {
      if (isGzip(head.subarray(0, readSync(fd, head, 0, head.length, 0)))) return undefined;
    } finally {
      closeSync(fd);
    }
    return { text: readFileSync(path, 'utf8'), bytes: st.size };
  } catch {
    return undefined;
  }
}

function thresholdFromEnv(): number | undefined {
  const v = process.env[STREAM_THRESHOLD_ENV];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${STREAM_THRESHOLD_ENV}=${v} is not a positive number of bytes`);
  return n;
}
