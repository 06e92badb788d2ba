/**
 * istioctl's `-f/--file <dump>` names the config dump; in pcx the source is the first positional. Before yargs
 * parses, `-f X`, `--file X` and `--file=X` are moved to the place of that positional (right after the command
 * word), so `pcx clusters -f dump.json --fqdn reviews` and `pcx explain reviews:9080/ -f dump.json` both work.
 */
import { insertSelectorSource } from './selector-flag.js';

const FILE_FLAGS = new Set(['-f', '--file', '--filename']);
const ZTUNNEL_WORDS = new Set(['ztunnel', 'zc', 'ztunnel-config']);

export function fileFlagToPositional(argv: string[]): string[] {
  const files: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = /^--(file|filename)=(.*)$/.exec(a);
    if (eq) files.push(eq[2]);
    else if (FILE_FLAGS.has(a) && i + 1 < argv.length) files.push(argv[++i]);
    else rest.push(a);
  }
  // the command word is the first argument that is not an option (global flags may come before it)
  let cmd = rest.findIndex((a) => !a.startsWith('-'));
  // -l/--selector names the live source instead (selector-flag.ts); with -f too, the usage error comes later
  // (not for pcx ztunnel, whose live source is --node, not a pod's labels)
  if (!files.length) return cmd < 0 || ZTUNNEL_WORDS.has(rest[cmd]) ? argv : insertSelectorSource(argv, cmd);
  if (cmd < 0) return [...rest, ...files];
  // `pcx ztunnel <table>` (istioctl ztunnel-config … -f): the source follows the table's name
  if (ZTUNNEL_WORDS.has(rest[cmd]) && cmd + 1 < rest.length && !rest[cmd + 1].startsWith('-')) cmd++;
  return [...rest.slice(0, cmd + 1), ...files, ...rest.slice(cmd + 1)];
}
