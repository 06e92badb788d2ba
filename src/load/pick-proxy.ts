/**
 * Choosing one proxy among several: the pods of an `istioctl bug-report`
 * (`proxies/<ns>/<pod>/`) or the entries of egctl's `{"<ns>": {"<pod>": dump}}`.
 * Pure: takes names, returns the chosen one or throws a usage error that lists the choices.
 */
import { UsageError } from '../errors.js';

export interface ProxyName {
  pod: string;
  namespace: string;
}

export interface ProxyPick {
  /** `--pod <name>[.<namespace>]`; a unique prefix of the pod name is enough (`productpage`). */
  pod?: string;
  /** `-n <namespace>`: narrows the choice; the `.namespace` in --pod wins over it. */
  namespace?: string;
  /** Archives and directories: only proxies whose files (kind → path) pass, e.g. ztunnel pods. */
  accept?: (files: ReadonlyMap<string, string>) => boolean;
  /** Without `pod`: take the first candidate (in name order) instead of asking to choose. */
  first?: boolean;
}

export function proxyKey(p: ProxyName): string {
  return `${p.pod}.${p.namespace}`;
}

export function pickProxy<T extends ProxyName>(items: readonly T[], pick: ProxyPick, origin: string): T {
  const all = [...items].sort((a, b) => proxyKey(a).localeCompare(proxyKey(b)));
  if (all.length === 0) throw new UsageError(`${origin} holds no proxy config dumps`);
  const inNs = (p: T, ns: string | undefined) => ns === undefined || p.namespace === ns;
  if (!pick.pod) {
    const candidates = all.filter((p) => inNs(p, pick.namespace));
    if (candidates.length === 1 || (pick.first && candidates.length > 1)) return candidates[0];
    if (candidates.length === 0) throw choiceError(`${origin} holds no proxy in namespace ${pick.namespace}`, all);
    throw choiceError(
      `${origin} holds dumps of ${candidates.length} proxies: pick one with --pod <name.namespace>`,
      candidates,
    );
  }
  const sel = pick.pod;
  const exact = all.filter((p) => proxyKey(p) === sel || (p.pod === sel && inNs(p, pick.namespace)));
  if (exact.length === 1) return exact[0];
  if (exact.length > 1)
    throw choiceError(
      `--pod ${sel} is in ${exact.length} namespaces of ${origin}: add the namespace (--pod ${sel}.<namespace>)`,
      exact,
    );
  // a prefix of the pod name (deployment pods carry a hash suffix), with or without `.namespace`
  const dot = sel.lastIndexOf('.');
  const prefix = all.filter(
    (p) =>
      (p.pod.startsWith(sel) && inNs(p, pick.namespace)) ||
      (dot > 0 && p.namespace === sel.slice(dot + 1) && p.pod.startsWith(sel.slice(0, dot))),
  );
  if (prefix.length === 1) return prefix[0];
  if (prefix.length > 1)
    throw choiceError(`--pod ${sel} matches ${prefix.length} proxies in ${origin}: give more of the name`, prefix);
  throw choiceError(
    `no proxy ${sel}${pick.namespace && dot < 0 ? ` in namespace ${pick.namespace}` : ''} in ${origin}`,
    all,
  );
}

/** How many choices a message lists: a bug-report of a big mesh holds hundreds of proxies. */
export const CHOICES_SHOWN = 20;

/** The message plus a hint listing the first choices, one per line, so a long list stays readable. */
function choiceError(message: string, choices: readonly ProxyName[]): UsageError {
  const shown = choices
    .slice(0, CHOICES_SHOWN)
    .map((p) => `\n       ${proxyKey(p)}`)
    .join('');
  const more =
    choices.length > CHOICES_SHOWN
      ? `\n       … ${choices.length - CHOICES_SHOWN} more: use \`pcx check\` to see them all`
      : '';
  return new UsageError(message, { hint: `proxies:${shown}${more}` });
}
