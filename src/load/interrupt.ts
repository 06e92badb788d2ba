/**
 * Ctrl-C while pcx waits for istioctl or kubectl: the children are stopped (execa's cancelSignal:
 * SIGTERM, SIGKILL 2 s later), the spinner and temporary files are cleaned up by the callers'
 * `finally`, and the run ends with one line and the shell's exit code for SIGINT (128 + 2), so a
 * script can tell "interrupted" from "failed" (2) and from "findings" (1).
 */
import { PcxError } from '../errors.js';

/** 128 + SIGINT, what a shell reports for a command stopped with Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

export class InterruptedError extends PcxError {
  constructor(what: string) {
    super(`interrupted while ${what}; nothing was left running`, { exitCode: EXIT_INTERRUPTED });
  }
}

/**
 * Runs `fn` with a signal that aborts on SIGINT. While it runs, Ctrl-C does not kill pcx at once:
 * it aborts the signal (the runner stops its children), and the call then throws InterruptedError.
 */
export async function interruptible<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const onSigint = () => ctl.abort();
  process.on('SIGINT', onSigint);
  try {
    const out = await fn(ctl.signal);
    if (ctl.signal.aborted) throw new InterruptedError(what);
    return out;
  } catch (e) {
    if (ctl.signal.aborted) throw new InterruptedError(what);
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
