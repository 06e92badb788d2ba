/** `pcx flags [FLAG…]`: the Envoy response flags explain's verdicts use, in words. */
import type { RegisterCommands } from './register.js';
import { RESPONSE_FLAGS } from '../render/response-flags.js';
import { UsageError } from '../errors.js';
import { isDetailsString, explainDetails } from '../render/response-details.js';

export const registerFlagsCommand: RegisterCommands = (y, r) =>
  y.command<{ flag?: string[] }>(
    'flags [flag..]',
    'Envoy response flags (NR, NC, UH, UF, URX, UO, DC, …) in words',
    (b) => b.positional('flag', { type: 'string', array: true, describe: 'flags (or %RESPONSE_CODE_DETAILS% strings) to look up (default: all flags)' }).example('$0 flags NC UH', 'what do NC and UH mean?').example('$0 flags UF,URX', 'as an access log writes them') as never,
    async (a) => {
      const ctx = r.ctxOf(a as never);
      // RESPONSE_CODE_DETAILS strings (route_not_found, upstream_reset_before_response_started{…}) too: src/render/response-details.ts
      const details = (a.flag ?? []).filter(isDetailsString);
      if (details.length) ctx.io.stdout.write(details.map((d) => explainDetails(d)).join('\n') + '\n');
      // access logs write several flags as one comma-separated field: "UF,URX"
      const want = [...new Set((a.flag ?? []).filter((f) => !isDetailsString(f)).flatMap((f) => String(f).split(',')).map((f) => f.trim().toUpperCase()).filter(Boolean))];
      if (details.length && !want.length) return r.setCode(0);
      const unknown = want.filter((f) => !RESPONSE_FLAGS[f]);
      const keys = want.length ? want.filter((f) => RESPONSE_FLAGS[f]) : Object.keys(RESPONSE_FLAGS);
      const w = Math.max(0, ...keys.map((k) => k.length));
      if (keys.length) ctx.io.stdout.write(keys.map((k) => `${k.padEnd(w)}  ${RESPONSE_FLAGS[k]}`).join('\n') + '\n');
      if (unknown.length) throw new UsageError(`unknown response flag ${unknown.join(', ')}`, { hint: `known: ${Object.keys(RESPONSE_FLAGS).join(' ')}` });
      r.setCode(0);
    },
  );
