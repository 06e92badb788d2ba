/**
 * Reading a running pod's Envoy config, the way a person would by hand:
 *   istioctl proxy-config all <pod> [-n <ns>] -o json          (a full dump, EDS included)
 * and, when istioctl is not on PATH,
 *   kubectl exec <pod> [-n <ns>] -c istio-proxy -- pilot-agent request GET config_dump?include_eds
 * Live endpoint health (`/clusters?format=json`) is fetched the same way and is optional.
 *
 * Commands run through a tiny runner interface (execa by default, arguments as an array, never a
 * shell string) so tests can inject a fake; end-to-end tests put fake binaries on PATH instead.
 * The dump goes straight from the child's stdout to a file, so its size is bounded by the disk,
 * and the file loader (with its path for huge dumps) reads it like any other file.
 */
import { stat } from 'node:fs/promises';
import { execa } from 'execa';
import { ExecError } from '../errors.js';
import { interruptible } from './interrupt.js';
import { DEFAULT_PROXY_ADMIN_PORT, PILOT_AGENT_PORTS } from './live-constants.js';
import { configDumpPath, type DumpNeed } from './dump-need.js';
import type { PodRef } from './source-spec.js';

export interface RunOptions {
  timeoutMs: number;
  /** Write stdout to this file instead of returning it. */
  stdoutFile?: string;
  /** Aborted on Ctrl-C: the child is stopped (SIGTERM, then SIGKILL). */
  signal?: AbortSignal;
}

export interface RunResult {
  /** undefined when the process did not run to an exit (not found, killed). */
  exitCode?: number;
  stdout: string;
  stderr: string;
  /** The spawn failed: `ENOENT` (not on PATH), `EACCES` (not executable)… */
  spawnError?: string;
  timedOut: boolean;
}

export interface CommandRunner {
  run(file: string, args: readonly string[], opts: RunOptions): Promise<RunResult>;
}

/** V8's string limit: the most a `/clusters?format=json` answer can be as one string. */
const MAX_STDOUT = 512 * 1024 * 1024;

export const execaRunner: CommandRunner = {
  async run(file, args, opts) {
    const r = await execa(file, [...args], {
      reject: false,
      timeout: opts.timeoutMs,
      forceKillAfterDelay: 2000,
      ...(opts.signal ? { cancelSignal: opts.signal } : {}),
      stdin: 'ignore',
      stdout: opts.stdoutFile ? { file: opts.stdoutFile } : 'pipe',
      stderr: 'pipe',
      maxBuffer: MAX_STDOUT,
      stripFinalNewline: false,
      windowsHide: true,
    });
    const spawnError = r.exitCode === undefined && !r.timedOut && typeof r.code === 'string' ? r.code : undefined;
    return {
      exitCode: r.exitCode,
      stdout: typeof r.stdout === 'string' ? r.stdout : '',
      stderr: typeof r.stderr === 'string' ? r.stderr : '',
      spawnError,
      timedOut: r.timedOut,
    };
  },
};

export interface KubeFlags {
  /** -n: used when the pod argument has no `.namespace`. */
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  /** --proxy-admin-port: Envoy's admin port (istioctl's default 15000; 19000 for Envoy Gateway or Consul). */
  proxyAdminPort?: number;
  /** -i/--istioNamespace: where istiod runs (istioctl's default istio-system). */
  istioNamespace?: string;
}

export { DEFAULT_ISTIO_NAMESPACE, DEFAULT_PROXY_ADMIN_PORT, PILOT_AGENT_PORTS } from './live-constants.js';

export type LiveTool = 'istioctl' | 'kubectl';

/** `name.namespace` as istioctl prints pods, or the bare target when the namespace is the context's. */
export function podLabel(pod: PodRef, flags: KubeFlags): string {
  const ns = pod.namespace ?? flags.namespace;
  return ns ? `${pod.target}.${ns}` : pod.target;
}

export function kubeArgs(flags: KubeFlags): string[] {
  return [
    ...(flags.context ? ['--context', flags.context] : []),
    ...(flags.kubeconfig ? ['--kubeconfig', flags.kubeconfig] : []),
  ];
}

function nsArgs(pod: PodRef, flags: KubeFlags): string[] {
  const ns = pod.namespace ?? flags.namespace;
  return ns ? ['-n', ns] : [];
}

/** istioctl-reference.md §1: `all` GETs config_dump?include_eds=true; `endpoint` GETs clusters?format=json. */
export function istioctlArgs(what: 'all' | 'endpoint', pod: PodRef, flags: KubeFlags): string[] {
  const port = flags.proxyAdminPort !== undefined ? ['--proxy-admin-port', String(flags.proxyAdminPort)] : [];
  return ['proxy-config', what, pod.target, ...nsArgs(pod, flags), '-o', 'json', ...port, ...kubeArgs(flags)];
}

/** The admin request through pilot-agent in the sidecar (no port-forward needed, only pods/exec). */
export function kubectlArgs(adminPath: string, pod: PodRef, flags: KubeFlags): string[] {
  const port =
    flags.proxyAdminPort !== undefined && flags.proxyAdminPort !== DEFAULT_PROXY_ADMIN_PORT
      ? ['--debug-port', String(flags.proxyAdminPort)]
      : [];
  return [
    'exec',
    pod.target,
    ...nsArgs(pod, flags),
    '-c',
    'istio-proxy',
    ...kubeArgs(flags),
    '--',
    'pilot-agent',
    'request',
    ...port,
    'GET',
    adminPath,
  ];
}

export interface LiveRequest {
  pod: PodRef;
  flags: KubeFlags;
  /** Where to write the dump. */
  dumpFile: string;
  timeoutMs: number;
  /** Also fetch `/clusters?format=json` (live endpoint health). */
  withClusters: boolean;
  runner?: CommandRunner;
  /** What is being done now, for a spinner. */
  progress?: (text: string) => void;
  /** Only this part of the config (kubectl path: `config_dump?mask=…`); the whole dump when absent. */
  need?: DumpNeed;
  /** --debug: each command, as it could be re-typed, before it runs. */
  trace?: (line: string) => void;
}

export interface LiveResult {
  tool: LiveTool;
  label: string;
  /** `/clusters?format=json` text, when it could be fetched. */
  clusters?: string;
  /** Why live endpoint health is missing, when it was asked for and could not be had. */
  clustersProblem?: string;
  /** What was asked of Envoy: `config_dump?include_eds` (istioctl proxy-config all asks that too) or a masked dump. */
  fetched: string;
}

export async function fetchLive(req: LiveRequest): Promise<LiveResult> {
  return interruptible(`reading pod ${podLabel(req.pod, req.flags)}`, (signal) => fetchLiveWith(req, signal));
}

async function fetchLiveWith(req: LiveRequest, signal: AbortSignal): Promise<LiveResult> {
  const inner = req.runner ?? execaRunner;
  // every child of this fetch stops on Ctrl-C
  const runner: CommandRunner = {
    run: async (f, a, o) => {
      const r = await inner.run(f, a, { ...o, signal });
      req.trace?.(traceLine(f, a, r));
      return r;
    },
  };
  const label = podLabel(req.pod, req.flags);
  let tool: LiveTool = 'istioctl';
  req.progress?.(`reading the config dump of ${label} with istioctl`);
  let r = await runner.run('istioctl', istioctlArgs('all', req.pod, req.flags), {
    timeoutMs: req.timeoutMs,
    stdoutFile: req.dumpFile,
  });
  if (r.spawnError === 'ENOENT') {
    tool = 'kubectl';
    req.progress?.(`reading the config dump of ${label} with kubectl exec`);
    const port = req.flags.proxyAdminPort;
    if (port !== undefined && !PILOT_AGENT_PORTS.includes(port)) {
      throw new ExecError(
        `cannot read pod ${label} on admin port ${port} without istioctl: kubectl exec … pilot-agent request reaches only ports ${PILOT_AGENT_PORTS.join(', ')}`,
        {
          hint:
            'install istioctl (it port-forwards to any --proxy-admin-port), or save the dump by hand: kubectl port-forward <pod> ' +
            port +
            ' and curl localhost:' +
            port +
            '/config_dump?include_eds',
        },
      );
    }
    if (req.need)
      req.progress?.(
        `reading the ${req.need.what} of ${label} with kubectl exec (only them: ${configDumpPath(req.need)})`,
      );
    r = await runner.run('kubectl', kubectlArgs(configDumpPath(req.need), req.pod, req.flags), {
      timeoutMs: req.timeoutMs,
      stdoutFile: req.dumpFile,
    });
    if (r.spawnError === 'ENOENT') {
      throw new ExecError(`cannot read pod ${label}: neither istioctl nor kubectl is on PATH`, {
        hint: 'install istioctl (https://istio.io/latest/docs/setup/install/istioctl/) or kubectl (https://kubernetes.io/docs/tasks/tools/); or, if you meant a file, it does not exist',
      });
    }
  }
  checkRun(r, tool, label, req.timeoutMs, req.flags.proxyAdminPort);
  const size = await stat(req.dumpFile).then(
    (s) => s.size,
    () => 0,
  );
  if (size === 0)
    throw new ExecError(`${tool} printed no config dump for ${label}`, {
      hint: `run it by hand to see why: ${tool} ${(tool === 'istioctl' ? istioctlArgs('all', req.pod, req.flags) : kubectlArgs(configDumpPath(req.need), req.pod, req.flags)).map(shellQuote).join(' ')}`,
    });

  // istioctl has no way to ask for part of the dump in its shape (`proxy-config all` always asks for all of it)
  const out: LiveResult = {
    tool,
    label,
    fetched: tool === 'kubectl' ? configDumpPath(req.need) : 'config_dump?include_eds=true',
  };
  if (!req.withClusters) return out;
  req.progress?.(`reading live endpoint health of ${label}`);
  const c =
    tool === 'istioctl'
      ? await runner.run('istioctl', istioctlArgs('endpoint', req.pod, req.flags), { timeoutMs: req.timeoutMs })
      : await runner.run('kubectl', kubectlArgs('clusters?format=json', req.pod, req.flags), {
          timeoutMs: req.timeoutMs,
        });
  if (c.exitCode === 0 && c.stdout.trim()) out.clusters = c.stdout;
  else
    out.clustersProblem = c.timedOut
      ? `timed out after ${seconds(req.timeoutMs)}`
      : c.exitCode === 0
        ? 'empty answer'
        : shortReason(c.stderr) || `${tool} exited with ${c.exitCode ?? c.spawnError}`;
  return out;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

/** Throws the one-line error a failed run deserves; returns when it succeeded. */
export function checkRun(r: RunResult, tool: LiveTool, label: string, timeoutMs: number, adminPort?: number): void {
  if (r.timedOut) {
    throw new ExecError(`timed out after ${seconds(timeoutMs)} reading pod ${label} with ${tool}`, {
      hint: 'check that the cluster answers (kubectl get pods), or wait longer with --timeout <seconds>',
    });
  }
  if (r.spawnError)
    throw new ExecError(`cannot run ${tool} (${r.spawnError})`, { hint: `check the ${tool} on your PATH` });
  if (r.exitCode === 0) return;
  throw classifyFailure(tool, r.stderr, label, r.exitCode, adminPort);
}

/**
 * Turns what istioctl or kubectl wrote on stderr into one line. The patterns are the tools' own
 * messages: the API server's `pods "x" not found` / `is forbidden`, kubectl's
 * `container istio-proxy is not valid for pod x`, and istioctl's port-forward failing on a pod
 * without a sidecar (`failure running port forward process: … EOF` or `connection refused`).
 */
export function classifyFailure(
  tool: LiveTool,
  stderr: string,
  label: string,
  exitCode?: number,
  adminPort = DEFAULT_PROXY_ADMIN_PORT,
): ExecError {
  const reason = shortReason(stderr) || `${tool} exited with ${exitCode}`;
  if (/\bforbidden\b|Unauthorized|cannot (?:create|get) resource/i.test(stderr)) {
    const sub = tool === 'istioctl' ? 'pods/portforward' : 'pods/exec';
    return new ExecError(`permission denied reading pod ${label}: ${reason}`, {
      hint: `${tool} needs ${sub} on the pod's namespace: check with \`kubectl auth can-i create ${sub}\`, or ask for a saved dump or bug-report`,
    });
  }
  if (/container istio-proxy is not valid|container not found \("istio-proxy"\)|is not valid for pod/i.test(stderr)) {
    return noSidecar(`pod ${label} has no istio-proxy container`);
  }
  if (/\b[a-z.]+ "[^"]+" not found/.test(stderr)) {
    return new ExecError(`${label.includes('/') ? label : `pod ${label}`} not found`, {
      hint: 'check the name and the namespace (-n <namespace> or <pod>.<namespace>): kubectl get pods -A | grep <name>',
    });
  }
  // istioctl reaches Envoy's admin port by port-forward: on a pod without a sidecar nothing answers
  if (
    tool === 'istioctl' &&
    /failure running port forward process|error forwarding port \d+/.test(stderr) &&
    /\bEOF\b|connection refused/.test(stderr)
  ) {
    if (adminPort !== DEFAULT_PROXY_ADMIN_PORT) {
      return new ExecError(
        `pod ${label}: nothing answered on admin port ${adminPort} (--proxy-admin-port): a wrong port, or no proxy running`,
        {
          hint: `Istio's sidecars and gateways use ${DEFAULT_PROXY_ADMIN_PORT} (drop --proxy-admin-port); Envoy Gateway and Consul use 19000 (istioctl said: ${reason})`,
        },
      );
    }
    return noSidecar(
      `pod ${label}: Envoy's admin port ${adminPort} did not answer (no istio-proxy sidecar, or it is not running)`,
      `istioctl said: ${reason}; Envoy Gateway and Consul proxies use --proxy-admin-port 19000`,
    );
  }
  // pilot-agent request refuses ports outside its allowed list (pilot/cmd/pilot-agent/app/request.go)
  if (/debug port \d+ is not in allowed list/.test(stderr)) {
    return new ExecError(`pod ${label}: pilot-agent cannot reach admin port ${adminPort}: ${reason}`, {
      hint: 'use istioctl (it port-forwards to any --proxy-admin-port)',
    });
  }
  if (/"pilot-agent": executable file not found/.test(stderr))
    return noSidecar(`pod ${label}: its istio-proxy container has no pilot-agent`, `${tool} said: ${reason}`);
  return new ExecError(`${tool} failed reading pod ${label}: ${reason}`);
}

function noSidecar(message: string, reason?: string): ExecError {
  return new ExecError(message, {
    hint: `pcx reads the Envoy of a meshed pod (sidecar or gateway): list its containers with \`kubectl get pod <pod> -o jsonpath={.spec.containers[*].name}\`${reason ? ` (${reason})` : ''}`,
  });
}

/**
 * The line of stderr that says what went wrong: the last `Error…` line (istioctl and kubectl print
 * it last, after klog noise), without the `Error: ` / `Error from server (X): ` prefix.
 */
export function shortReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const err = [...lines].reverse().find((l) => /^(?:Error|error)\b/.test(l)) ?? lines[lines.length - 1] ?? '';
  const s = err
    .replace(/^Error from server \([^)]*\):\s*/, '')
    .replace(/^(?:Error|error):\s*/, '')
    // istioctl's wrappers around the API server's own words
    .replace(/^failed to execute command on \S+ sidecar:\s*/, '')
    .replace(/^failure running port forward process:\s*/, '');
  return s.length > 240 ? s.slice(0, 237) + '...' : s;
}

/** --debug: what ran and how it ended, re-typable. */
export function traceLine(file: string, args: readonly string[], r: RunResult): string {
  const how =
    r.spawnError === 'ENOENT'
      ? 'not on PATH'
      : r.timedOut
        ? 'timed out'
        : (r.spawnError ?? (r.exitCode === undefined ? 'stopped' : `exit ${r.exitCode}`));
  return `${file} ${args.map(shellQuote).join(' ')}  (${how})`;
}

/** One argument as a POSIX shell reads it back: bare when only safe characters, else single-quoted. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
