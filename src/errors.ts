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

/** An external command (istioctl, kubectl) failed or is missing. */
export class ExecError extends PcxError {}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;
