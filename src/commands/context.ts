/** What a command needs from the outside world; tests pass fakes. */
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

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}
