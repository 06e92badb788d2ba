/** The one check of a port-number flag, so every command words and bounds it the same way. */
import { UsageError } from '../errors.js';

/**
 * A port flag's value, or undefined when not given. `zeroMeansAll`: istioctl's table filters take `--port 0` as
 * "no filter" (their default), so 0 is accepted there and means undefined; elsewhere a port is 1-65535.
 */
export function portFlag(
  flag: string,
  p: number | undefined,
  opts: { zeroMeansAll?: boolean } = {},
): number | undefined {
  if (p === undefined) return undefined;
  const min = opts.zeroMeansAll ? 0 : 1;
  if (!Number.isInteger(p) || p < min || p > 65535)
    throw new UsageError(`--${flag} needs a port number (${min}-65535), not ${String(p)}`);
  return p || undefined;
}
