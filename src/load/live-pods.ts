/**
 * Which pods a label selector or a namespace names, for `-l/--selector` (one pod, picked as istioctl
 * picks it) and for `pcx check -n <ns>` / `-l <selector>` (every meshed pod). istioctl has no command
 * that lists pods, so this is `kubectl get pods -o json` (one call, through the same runner as the
 * dump fetch, so Ctrl-C and --timeout behave the same).
 */
import { ExecError, UsageError } from '../errors.js';
import { checkRun, execaRunner, kubeArgs, shortReason, traceLine, type CommandRunner, type KubeFlags } from './live.js';
import { interruptible } from './interrupt.js';

export interface LivePod {
  pod: string;
  namespace: string;
  /** status.phase: Running, Pending, Succeeded, Failed, Unknown. */
  phase: string;
  /** Has an `istio-proxy` container (a sidecar or a gateway), or a native-sidecar init container of that name. */
  meshed: boolean;
}

export interface PodQuery {
  flags: KubeFlags;
  selector?: string;
  timeoutMs: number;
  runner?: CommandRunner;
  /** --debug: the command, before it runs. */
  trace?: (line: string) => void;
}

export function kubectlGetPodsArgs(q: PodQuery): string[] {
  return [
    'get',
    'pods',
    ...(q.flags.namespace ? ['-n', q.flags.namespace] : []),
    ...(q.selector ? ['-l', q.selector] : []),
    '-o',
    'json',
    ...kubeArgs(q.flags),
  ];
}

/** The words a message uses for the pods asked for: `pods with app=reviews in namespace bookinfo`. */
export function podsWhat(q: Pick<PodQuery, 'flags' | 'selector'>): string {
  return `pods${q.selector ? ` matching ${q.selector}` : ''}${q.flags.namespace ? ` in namespace ${q.flags.namespace}` : " in the kube context's namespace"}`;
}

export async function listPods(q: PodQuery): Promise<LivePod[]> {
  const what = podsWhat(q);
  const args = kubectlGetPodsArgs(q);
  const r = await interruptible(`listing ${what}`, (signal) =>
    (q.runner ?? execaRunner).run('kubectl', args, { timeoutMs: q.timeoutMs, signal }),
  );
  q.trace?.(traceLine('kubectl', args, r));
  if (r.spawnError === 'ENOENT') {
    throw new ExecError(`cannot list ${what}: kubectl is not on PATH`, {
      hint: 'install kubectl (https://kubernetes.io/docs/tasks/tools/), or name the pod: pcx … <pod>.<namespace>',
    });
  }
  if (/unable to parse requirement|found '[^']*', expected|invalid label|couldn't parse the selector/i.test(r.stderr)) {
    throw new UsageError(
      `-l ${q.selector}: kubectl cannot read this label selector: ${r.stderr.trim().split('\n').pop()}`,
      { hint: 'a selector is key=value[,key2=value2], as kubectl get pods -l takes it' },
    );
  }
  if (r.exitCode !== 0 && /\bforbidden\b|Unauthorized/i.test(r.stderr)) {
    throw new ExecError(`permission denied listing ${what}: ${shortReason(r.stderr)}`, {
      hint: `pcx needs to list pods there: check with \`kubectl auth can-i list pods${q.flags.namespace ? ` -n ${q.flags.namespace}` : ''}\`, or name the pod: pcx … <pod>.<namespace>`,
    });
  }
  checkRun(r, 'kubectl', what, q.timeoutMs);
  return parsePodList(r.stdout, what);
}

/** The fields of a v1 Pod read here. */
interface KubePod {
  metadata?: { name?: unknown; namespace?: unknown };
  spec?: { containers?: { name?: string }[]; initContainers?: { name?: string }[] };
  status?: { phase?: unknown };
}

/** `kubectl get pods -o json`: a v1 List of Pods. */
export function parsePodList(text: string, what: string): LivePod[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ExecError(`kubectl printed something that is not JSON listing ${what}`, {
      hint: `run it by hand to see why: kubectl get pods -o json`,
    });
  }
  const items = (doc as { items?: unknown }).items;
  if (!Array.isArray(items)) throw new ExecError(`kubectl's answer listing ${what} has no items`);
  const out: LivePod[] = [];
  for (const it of items as KubePod[]) {
    const name = it?.metadata?.name;
    if (typeof name !== 'string') continue;
    const names = [...(it.spec?.containers ?? []), ...(it.spec?.initContainers ?? [])].map((c) => c?.name);
    out.push({
      pod: name,
      namespace: String(it.metadata?.namespace ?? ''),
      phase: String(it.status?.phase ?? 'Unknown'),
      meshed: names.includes('istio-proxy'),
    });
  }
  return out;
}

export interface PickedPod {
  pod: LivePod;
  /** Set when more than one pod matched: istioctl's own warning, worded for pcx. */
  warning?: string;
}

/**
 * `-l <selector>` for a one-pod command: the first pod of the list, as istioctl's `dashboard envoy -l`
 * does (`pl.Items[0]`, with a warning "more than 1 pods fits selector: …; will use pod: …";
 * istioctl/pkg/dashboard/dashboard.go). The API server lists pods in name order.
 */
export async function podForSelector(q: PodQuery & { selector: string }): Promise<PickedPod> {
  const pods = await listPods(q);
  if (!pods.length) {
    throw new UsageError(`no ${podsWhat(q)}`, {
      hint: `check the labels: kubectl get pods${q.flags.namespace ? ` -n ${q.flags.namespace}` : ''} --show-labels`,
    });
  }
  const pod = pods[0];
  const warning =
    pods.length > 1
      ? `${pods.length} pods match -l ${q.selector}; using ${pod.pod}.${pod.namespace}, the first, as istioctl does (name one pod to choose another)`
      : undefined;
  return { pod, warning };
}
