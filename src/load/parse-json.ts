/** Bytes → JSON document, with errors a person can act on. */
import { InputError } from '../errors.js';
import { statusLineLength } from './status-line.js';

/**
 * Parses a dump's text. Accepts what real tools write around the JSON: an HTTP status line
 * (`pilot-agent request` prints `200` first), a UTF-8 BOM, and leading whitespace.
 */
export function parseJsonText(text: string, origin: string): unknown {
  let body = text;
  if (body.charCodeAt(0) === 0xfeff) body = body.slice(1);
  body = body.slice(statusLineLength(body.slice(0, 200)));
  if (!body.trim()) {
    throw new InputError(
      `${origin}: empty file${body.length ? ' (only whitespace)' : ''}; expected an Envoy config dump`,
      {
        hint: 'the capture may have failed: fetch the dump again, e.g. `istioctl proxy-config all <pod> -o json > dump.json`',
      },
    );
  }
  const first = body.trimStart()[0];
  if (first !== '{' && first !== '[') {
    let scalar: unknown;
    try {
      scalar = JSON.parse(body);
    } catch {
      scalar = undefined;
    }
    if (scalar !== undefined || /^\s*null\s*$/.test(body)) {
      throw new InputError(
        `${origin}: valid JSON but not an Envoy config dump (it is ${scalar === null ? 'null' : `a ${typeof scalar}`})`,
        { hint: "pass the output of `istioctl proxy-config all <pod> -o json` or Envoy's /config_dump" },
      );
    }
    const what = looksLikeYaml(body) ? 'it looks like YAML' : 'it does not start with { or [';
    throw new InputError(`${origin}: not JSON (${what}); expected an Envoy config dump`, {
      hint: 'save it with `istioctl proxy-config all <pod> -o json > dump.json` or `kubectl exec <pod> -c istio-proxy -- pilot-agent request GET config_dump?include_eds`',
    });
  }
  try {
    return JSON.parse(body);
  } catch (e) {
    const msg = (e as Error).message;
    // V8 says "end of JSON input" only sometimes: an error at the very end of the text ("Expected property name
    // or '}' in JSON at position <its length>") is the same cut-off capture
    const at = /at position (\d+)/.exec(msg);
    const atEnd = at !== null && Number(at[1]) >= body.trimEnd().length;
    if (atEnd || /end of JSON input|Unterminated|Unexpected end/i.test(msg)) {
      throw new InputError(`${origin}: JSON is truncated (${msg}); expected a complete Envoy config dump`, {
        hint: 'the capture was cut short: fetch the dump again',
      });
    }
    throw new InputError(`${origin}: invalid JSON (${msg}); expected an Envoy config dump`);
  }
}

function looksLikeYaml(s: string): boolean {
  return /^\s*(---|[A-Za-z_"]+\s*:)/.test(s);
}
