/** `pcx flags [FLAG…]`: the Envoy response flags explain's verdicts use, in words. */
import type { Argv } from 'yargs';
import { defineCommand } from './define.js';
import type { CommandContext } from './context.js';
import { RESPONSE_FLAGS } from '../render/response-flags.js';
import { UsageError } from '../errors.js';
import { isDetailsString, explainDetails } from '../render/response-details.js';

interface FlagsArgs {
  flag?: string[];
}

function flagsBuilder(y: Argv) {
  return y
    .positional('flag', {
      type: 'string',
      array: true,
      describe: 'flags (or %RESPONSE_CODE_DETAILS% strings) to look up (default: all flags)',
    })
    .example('$0 flags NC UH', 'what do NC and UH mean?')
    .example('$0 flags UF,URX', 'as an access log writes them');
}

export async function runFlags(a: FlagsArgs, ctx: CommandContext): Promise<number> {
  // RESPONSE_CODE_DETAILS strings (route_not_found, upstream_reset_before_response_started{…}): src/render/response-details.ts
  const details = (a.flag ?? []).filter(isDetailsString);
  if (details.length) ctx.io.stdout.write(details.map((d) => explainDetails(d)).join('\n') + '\n');
  // access logs write several flags as one comma-separated field: "UF,URX"
  const want = [
    ...new Set(
      (a.flag ?? [])
        .filter((f) => !isDetailsString(f))
        .flatMap((f) => String(f).split(','))
        .map((f) => f.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
  if (details.length && !want.length) return 0;
  const unknown = want.filter((f) => !RESPONSE_FLAGS[f]);
  const keys = want.length ? want.filter((f) => RESPONSE_FLAGS[f]) : Object.keys(RESPONSE_FLAGS);
  const w = Math.max(0, ...keys.map((k) => k.length));
  if (keys.length) ctx.io.stdout.write(keys.map((k) => `${k.padEnd(w)}  ${RESPONSE_FLAGS[k]}`).join('\n') + '\n');
  if (unknown.length)
    throw new UsageError(`unknown response flag ${unknown.join(', ')}`, {
      hint: `known: ${Object.keys(RESPONSE_FLAGS).join(' ')}`,
    });
  return 0;
}

export const flagsCommand = defineCommand<FlagsArgs>({
  command: 'flags [flag..]',
  describe: 'Envoy response flags (NR, NC, UH, UF, URX, UO, DC, …) in words',
  builder: flagsBuilder,
  run: runFlags,
});
