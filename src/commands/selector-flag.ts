/**
 * `-l/--selector <labels>` names a live pod by its labels, as istioctl's `-l` does: it stands in for the
 * `<source>` positional. Before yargs parses, a placeholder source is put where the source goes (right
 * after the command word, as file-flag.ts does for `-f`), and the flag itself stays for yargs to read, so
 * `pcx explain -l app=productpage -n bookinfo reviews:9080/` parses like `pcx explain <pod> reviews:9080/`.
 */
export const SELECTOR_SOURCE = '<selector>';

const SELECTOR_FLAGS = new Set(['-l', '--selector']);

export function hasSelectorFlag(argv: readonly string[]): boolean {
  return argv.some((a, i) => (SELECTOR_FLAGS.has(a) && i + 1 < argv.length) || a.startsWith('--selector='));
}

/** `cmd` is the index of the command word (ztunnel's table word included) in `argv`. */
export function insertSelectorSource(argv: string[], cmd: number): string[] {
  if (!hasSelectorFlag(argv) || argv.includes(SELECTOR_SOURCE)) return argv;
  return [...argv.slice(0, cmd + 1), SELECTOR_SOURCE, ...argv.slice(cmd + 1)];
}
