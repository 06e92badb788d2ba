/**
 * Text from a dump must not drive the terminal: a listener named `\x1b[2J` would clear the screen,
 * OSC 8 would plant a link, `\r` would overwrite what pcx printed, U+202E would reverse it. Every
 * C0/C1 control (but newline and tab), DEL, the bidi controls and the Unicode line separators are
 * shown as visible escapes (`\x1b`, `\r`, `\u202e`). The only sequences let through are SGR colour
 * codes (`ESC[…m`, what pcx's own colouring through picocolors emits), and only when colour is on.
 * JSON and YAML are written exactly (they escape what they must themselves) and bypass this.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const SGR_OR_UNSAFE =
  // eslint-disable-next-line no-control-regex
  /\x1b\[[0-9;]{0,16}m|[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = {
  '\r': '\\r',
  '\x1b': '\\x1b',
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
};

function visible(c: string): string {
  const n = NAMED[c];
  if (n) return n;
  const code = c.charCodeAt(0);
  // C0 as \xNN; DEL, C1 and the rest as \uNNNN, which is also how JSON writes them: JSON that reaches
  // this writer by another path than writeExact still parses to the same value
  return code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control shown visibly; `allowSgr` keeps colour codes (only when colour is on). */
export function terminalSafe(text: string, allowSgr = false): string {
  if (allowSgr) return text.replace(SGR_OR_UNSAFE, (m) => (m.length > 1 ? m : visible(m)));
  return text.replace(UNSAFE, visible);
}
