/**
 * The analyses' errors in the CLI's words: a RequestError names a request field (src/errors.ts); the user gave it
 * with a flag, so the line they read names that flag. Every command's run passes through here (commands/define.ts).
 */
import { RequestError, UsageError } from '../errors.js';

export function forCli(e: unknown): unknown {
  if (!(e instanceof RequestError)) return e;
  switch (e.field) {
    case 'ip':
      return new UsageError(`--ip ${e.value} is not an IP address`, { hint: e.hint, cause: e });
    case 'header':
      return new UsageError(e.message, { hint: "write headers as -H 'name: value'", cause: e });
  }
}
