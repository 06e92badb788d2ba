/**
 * The one error hierarchy of pcx. Exit codes: 0 ok, 1 findings/differences, 2 usage or input error.
 * Users see `error.message` on one line; the stack only with --debug.
 */
export class PcxError extends Error {
  readonly exitCode: number;
  /** What the user can do about it, printed after the message. */
  readonly hint?: string;
  constructor(message: string, opts: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.exitCode = opts.exitCode ?? 2;
    this.hint = opts.hint;
  }
}

/** Wrong flags or arguments. */
export class UsageError extends PcxError {}

/** A file, stdin or a pod gave us something we cannot read as the expected input. */
export class InputError extends PcxError {}

/** The part of a request (to explain, diff, test …) that a RequestError is about: a field of the request, not a flag. */
export type RequestField = 'ip' | 'header';

/**
 * A request field the analyses cannot read, in their own words (which field, which value, what is wrong; never a
 * CLI flag). The command layer words it for the flag that gave it (commands/cli-words.ts).
 */
export class RequestError extends UsageError {
  constructor(
    readonly field: RequestField,
    readonly value: string,
    message: string,
    opts: { hint?: string } = {},
  ) {
    super(message, opts);
  }
}

/** An external command (istioctl, kubectl) failed or is missing. */
export class ExecError extends PcxError {}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;
