/**
 * JSON.parse for documents too big for one string. V8 strings stop at 536,870,888 characters, and
 * large meshes produce sidecar dumps past that, so `JSON.parse(buf.toString())` cannot read them.
 * This parses straight from the Buffer: one byte-level pass finds where every container of the
 * document's top levels ends (the `configs[]` entries, their big arrays, the resources in them),
 * then each piece small enough to be a string (a cluster, a listener, a route configuration) is
 * handed to JSON.parse on its own, and only the containers around them are assembled here.
 *
 * The result is the value JSON.parse would give for the whole text (same keys, same order, same
 * `__proto__` handling), so nothing downstream knows which path was taken. stream-json was measured
 * as the alternative: about 10× slower than JSON.parse on dumps, against about 1.3× for this.
 */
import { InputError } from '../errors.js';
import { parseJsonText } from './parse-json.js';

/** Largest piece handed to JSON.parse at once: small enough that its transient string costs little memory. */
export const MAX_PIECE_BYTES = 8 << 20;

/** Levels below a scanned container whose ends one scan remembers: configs → section → array → resource. */
const RECORDED_LEVELS = 4;

/**
 * Deeper than this the document is refused at once: assembling it recurses once per level, and a
 * document of nested empty arrays would otherwise be rescanned level after level.
 */
export const MAX_NESTING = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Parses a JSON document held in a Buffer of any size. Pieces are at most `pieceBytes` long
 * (tests make it tiny so that every path of the splitter runs on a small file).
 */
export function parseJsonBuffer(buf: Buffer, origin: string, pieceBytes = MAX_PIECE_BYTES): unknown {
  const p = new BufferParser(buf, origin, Math.max(1, pieceBytes));
  const start = p.documentStart();
  const [value, end] = p.value(start);
  const rest = p.skipSpace(end);
  if (rest < buf.length) p.fail(rest, 'unexpected text after the end of the document');
  return value;
}

class BufferParser {
  /** Start offset of a container → offset just past its closing bracket. */
  private readonly ends = new Map<number, number>();

  constructor(private readonly buf: Buffer, private readonly origin: string, private readonly pieceBytes: number) {}

  /**
   * Where the JSON starts, past what tools write before it (a UTF-8 BOM, `pilot-agent request`'s
   * HTTP status line), as parse-json.ts accepts. Anything else is handed to parseJsonText so the
   * user gets the same "not JSON" message on both paths.
   */
  documentStart(): number {
    const head = this.buf.toString('utf8', 0, Math.min(this.buf.length, 256));
    let chars = head.charCodeAt(0) === 0xfeff ? 1 : 0;
    const m = /^\s*(?:HTTP\/[\d.]+\s+)?(\d{3})(?:[ \t][^\n]*)?\r?\n/.exec(head.slice(chars));
    if (m && !/^\s*[[{]/.test(head.slice(chars))) chars += m[0].length;
    const at = this.skipSpace(Buffer.byteLength(head.slice(0, chars)));
    const c = this.buf[at];
    if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
      parseJsonText(head, this.origin); // throws the "not JSON" InputError of the text path
      this.fail(at, 'expected { or [');
    }
    return at;
  }

  /** The value starting at `pos` and the offset just past it. */
  value(pos: number): [unknown, number] {
    const c = this.buf[pos];
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const end = this.containerEnd(pos);
      if (end - pos <= this.pieceBytes) return [this.parsePiece(pos, end), end];
      return c === OPEN_BRACE ? [this.object(pos, end), end] : [this.array(pos, end), end];
    }
    const end = c === QUOTE ? this.stringEnd(pos) : this.scalarEnd(pos);
    return [this.parsePiece(pos, end), end];
  }

  /** Assembles a container too big to parse at once, member by member. */
  private object(pos: number, end: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    let i = this.skipSpace(pos + 1);
    if (this.buf[i] === CLOSE_BRACE) return obj;
    for (;;) {
      if (this.buf[i] !== QUOTE) this.fail(i, 'expected a property name');
      const keyEnd = this.stringEnd(i);
      const key = this.parsePiece(i, keyEnd) as string;
      i = this.skipSpace(keyEnd);
      if (this.buf[i] !== COLON) this.fail(i, 'expected ":" after a property name');
      const [v, vEnd] = this.value(this.skipSpace(i + 1));
      // JSON.parse makes "__proto__" an own property; plain assignment would set the prototype
      if (key === '__proto__') Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
      else obj[key] = v;
      i = this.skipSpace(vEnd);
      if (this.buf[i] === COMMA) i = this.skipSpace(i + 1);
      else if (this.buf[i] === CLOSE_BRACE && i + 1 === end) return obj;
      else this.fail(i, 'expected "," or "}"');
    }
  }

  private array(pos: number, end: number): unknown[] {
    const arr: unknown[] = [];
    let i = this.skipSpace(pos + 1);
    if (this.buf[i] === CLOSE_BRACKET) return arr;
    for (;;) {
      const [v, vEnd] = this.value(i);
      arr.push(v);
      i = this.skipSpace(vEnd);
      if (this.buf[i] === COMMA) i = this.skipSpace(i + 1);
      else if (this.buf[i] === CLOSE_BRACKET && i + 1 === end) return arr;
      else this.fail(i, 'expected "," or "]"');
    }
  }

  /**
   * End of the container opening at `start`. One pass over its bytes, tracking only strings
   * (so brackets and quotes inside them do not count) and nesting; the ends of containers in the
   * next levels are remembered, so the members of a big container are never scanned twice.
   */
  private containerEnd(start: number): number {
    const known = this.ends.get(start);
    if (known !== undefined) return known;
    const buf = this.buf;
    const n = buf.length;
    const open: number[] = [];
    let depth = 0;
    let i = start;
    while (i < n) {
      const c = buf[i];
      if (c === QUOTE) {
        i = this.stringEnd(i);
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        open.push(i);
        depth++;
        if (depth > MAX_NESTING) {
          throw new InputError(`${this.origin}: nested more than ${MAX_NESTING} levels deep (at byte ${i}); no Envoy config dump is (protobuf stops at 100 levels)`);
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--;
        const s = open.pop()!;
        // containers too big for one piece are remembered at any depth: they are split again, never rescanned
        if (depth <= RECORDED_LEVELS || i + 1 - s > this.pieceBytes) this.ends.set(s, i + 1);
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return this.truncated();
  }

  /** Offset just past the closing quote of the string opening at `start`. */
  private stringEnd(start: number): number {
    const buf = this.buf;
    let from = start + 1;
    for (;;) {
      // memchr to the next quote; it closes the string unless an odd run of backslashes escapes it
      const q = buf.indexOf(QUOTE, from);
      if (q < 0) return this.truncated();
      let b = q - 1;
      while (buf[b] === BACKSLASH) b--;
      if ((q - 1 - b) % 2 === 0) return q + 1;
      from = q + 1;
    }
  }

  /** A number, true, false or null: up to the next delimiter. */
  private scalarEnd(start: number): number {
    const buf = this.buf;
    let i = start;
    while (i < buf.length) {
      const c = buf[i];
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
      i++;
    }
    if (i === start) this.fail(start, 'expected a value');
    return i;
  }

  skipSpace(i: number): number {
    const buf = this.buf;
    while (i < buf.length && isSpace(buf[i])) i++;
    return i;
  }

  private parsePiece(start: number, end: number): unknown {
    try {
      return JSON.parse(this.buf.toString('utf8', start, end));
    } catch (e) {
      const msg = (e as Error).message;
      const at = /position (\d+)/.exec(msg);
      return this.fail(at ? start + Number(at[1]) : start, msg.replace(/ in JSON at position \d+.*$/s, ''));
    }
  }

  fail(at: number, what: string): never {
    if (at >= this.buf.length) this.truncated();
    throw new InputError(`${this.origin}: invalid JSON at byte ${at} (${what}); expected an Envoy config dump`);
  }

  private truncated(): never {
    throw new InputError(`${this.origin}: JSON is truncated (the document ends inside a string or container); expected a complete Envoy config dump`, {
      hint: 'the capture was cut short: fetch the dump again',
    });
  }
}
