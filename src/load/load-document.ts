/**
 * The one loader interface: a source path (or `-`) → parsed JSON document. Everything after it
 * (model, resolver, renderers) sees only the document, so a streaming loader for dumps past V8's
 * string limit can replace this function without touching callers.
 */
import { InputError } from '../errors.js';
import { isStdin, readInputBytes } from './read-bytes.js';
import { parseJsonText } from './parse-json.js';
import type { Json } from '../model/envoy-types.js';

/** V8's maximum string length (2^29 - 24 characters). */
export const MAX_STRING_BYTES = 536_870_888;

export interface LoadedDocument {
  origin: string;
  doc: Json;
  bytes: number;
}

export async function loadDocument(path: string, stdin?: NodeJS.ReadableStream): Promise<LoadedDocument> {
  const origin = isStdin(path) ? 'stdin' : path;
  const buf = await readInputBytes(path, stdin);
  if (buf.length >= MAX_STRING_BYTES) {
    throw new InputError(`${origin}: ${Math.round(buf.length / 1e6)} MB is past what one JSON string can hold in Node (${MAX_STRING_BYTES} bytes)`);
  }
  const doc = parseJsonText(buf.toString('utf8'), origin);
  return { origin, doc, bytes: buf.length };
}
