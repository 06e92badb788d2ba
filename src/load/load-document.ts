/**
 * A source path (or `-`) or bytes → the whole parsed document, for readers that need all of it
 * (ztunnel's config). It is the index of dump-index.ts with every resource parsed: one reading
 * path for every size, past V8's string limit too.
 */
import { indexBytes, indexDocument } from './dump-index.js';

export interface LoadedDocument {
  origin: string;
  doc: unknown;
  bytes: number;
}

export async function loadDocument(path: string, stdin?: NodeJS.ReadableStream): Promise<LoadedDocument> {
  const { origin, doc, bytes } = await indexDocument(path, stdin, { whole: true });
  return { origin, doc, bytes };
}

/** Bytes already read (an archive member) → document, as for a file: gunzipped when gzip, bounded. */
export function loadDocumentFromBytes(raw: Buffer, origin: string): LoadedDocument {
  const { doc, bytes } = indexBytes(raw, origin, { whole: true });
  return { origin, doc, bytes };
}
