/** What a command needs from the outside world; tests pass fakes. */
import { colorEnabled } from '../render/style.js';
import { terminalSafe } from '../render/terminal-safe.js';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
}

export interface CommandContext {
  io: Io;
  /** Force colour on/off (--color / --no-color); undefined = TTY and NO_COLOR decide. */
  color?: boolean;
  debug: boolean;
}

/** stdin is created on first read (≈2 ms, even for /dev/null): most commands read a file, not stdin. */
export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
  };
}

type Out = Io['stdout'];

const EXACT = Symbol('pcx.exact');
const RAW = Symbol('pcx.raw');

/**
 * The one writer between commands and the terminal: text written to stdout and stderr has the
 * controls a dump may carry shown visibly (render/terminal-safe.ts); pcx's own colour codes pass
 * only when colour is on for that stream. Machine output goes through `writeExact`.
 */
export function safeIo(io: Io, color?: boolean): Io {
  if ((io.stdout as { [RAW]?: Out })[RAW]) return io;
  return {
    get stdin() {
      return io.stdin; // read when a command reads it (processIo)
    },
    stdout: safeStream(io.stdout, color),
    stderr: safeStream(io.stderr, color),
  };
}

function safeStream(s: Out, color?: boolean): Out {
  const sgr = colorEnabled(s, { color });
  const write = (chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    return (s.write as (c: string, ...r: unknown[]) => boolean)(terminalSafe(text, sgr), ...rest);
  };
  const exact = (text: string) => s.write(text);
  return new Proxy(s, {
    get(target, prop) {
      if (prop === 'write') return write;
      if (prop === EXACT) return exact;
      if (prop === RAW) return target;
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** JSON and YAML: written as they are (they escape what they must themselves). */
export function writeExact(stream: Out, text: string): void {
  const exact = (stream as { [EXACT]?: (t: string) => boolean })[EXACT];
  if (exact) exact(text);
  else stream.write(text);
}

/** The stream under the safe writer, for the progress spinner's own control codes. */
export function rawStream(stream: Out): Out {
  return (stream as { [RAW]?: Out })[RAW] ?? stream;
}
