/**
 * What istiod would send one proxy: istiod's debug endpoint `/debug/config_dump?proxyID=<pod>.<ns>`
 * (pilot/pkg/xds/debug.go `ConfigDump`: an Envoy admin ConfigDump of the dynamic clusters, listeners,
 * routes, secrets and ECDS istiod generates for that connection). Read, as a person would, with
 *   istioctl x internal-debug 'config_dump?proxyID=<pod>.<ns>' [-i <istio ns>]   (over istiod's xDS debug type)
 * or, when istioctl is not on PATH,
 *   kubectl exec -n <istio ns> deploy/istiod -c discovery -- pilot-discovery request GET /debug/config_dump?proxyID=…
 * (how `istioctl bug-report` reads istiod's debug URLs: tools/bug-report/pkg/kubectlcmd, container `discovery`).
 */
import { stat } from 'node:fs/promises';
import { ExecError } from '../errors.js';
import { interruptible } from './interrupt.js';
import {
  checkRun,
  execaRunner,
  kubeArgs,
  shellQuote,
  shortReason,
  traceLine,
  type CommandRunner,
  type KubeFlags,
  type LiveTool,
  type RunResult,
} from './live.js';
import { DEFAULT_ISTIO_NAMESPACE } from './live-constants.js';
import { readFile } from 'node:fs/promises';

export interface IstiodRequest {
  /** `<pod>.<namespace>`, as istiod names the connection (it matches by substring of the connection id). */
  proxyID: string;
  flags: KubeFlags;
  /** Where to write istiod's answer. */
  file: string;
  timeoutMs: number;
  runner?: CommandRunner;
  progress?: (text: string) => void;
  /** --debug: each command, before it runs. */
  trace?: (line: string) => void;
}

export interface IstiodResult {
  tool: LiveTool;
  istioNamespace: string;
  /** The command that was run, to re-type by hand. */
  command: string;
}

export function istioctlDebugArgs(proxyID: string, flags: KubeFlags): string[] {
  const ns = flags.istioNamespace ? ['-i', flags.istioNamespace] : [];
  return ['x', 'internal-debug', `config_dump?proxyID=${proxyID}`, ...ns, ...kubeArgs(flags)];
}

export function kubectlDebugArgs(proxyID: string, flags: KubeFlags): string[] {
  const ns = flags.istioNamespace ?? DEFAULT_ISTIO_NAMESPACE;
  return [
    'exec',
    '-n',
    ns,
    'deploy/istiod',
    '-c',
    'discovery',
    ...kubeArgs(flags),
    '--',
    'pilot-discovery',
    'request',
    'GET',
    `/debug/config_dump?proxyID=${proxyID}`,
  ];
}

/** istiod's own words (debug.go errorHandler) for a proxy that is not connected to the istiod that answered. */
const NOT_CONNECTED = /Proxy not connected to this Pilot instance/;

export async function fetchIstiodView(req: IstiodRequest): Promise<IstiodResult> {
  const istioNamespace = req.flags.istioNamespace ?? DEFAULT_ISTIO_NAMESPACE;
  return interruptible(`asking istiod (${istioNamespace}) for the config of ${req.proxyID}`, async (signal) => {
    const inner = req.runner ?? execaRunner;
    const runner: CommandRunner = {
      run: async (f, a, o) => {
        const r = await inner.run(f, a, o);
        req.trace?.(traceLine(f, a, r));
        return r;
      },
    };
    const opts = { timeoutMs: req.timeoutMs, stdoutFile: req.file, signal };
    let tool: LiveTool = 'istioctl';
    let args = istioctlDebugArgs(req.proxyID, req.flags);
    req.progress?.(`asking istiod what it would send ${req.proxyID} (istioctl x internal-debug)`);
    let r: RunResult = await runner.run('istioctl', args, opts);
    if (r.spawnError === 'ENOENT') {
      tool = 'kubectl';
      args = kubectlDebugArgs(req.proxyID, req.flags);
      req.progress?.(`asking istiod what it would send ${req.proxyID} (kubectl exec deploy/istiod)`);
      r = await runner.run('kubectl', args, opts);
      if (r.spawnError === 'ENOENT') {
        throw new ExecError(`cannot ask istiod about ${req.proxyID}: neither istioctl nor kubectl is on PATH`, {
          hint: 'install istioctl (https://istio.io/latest/docs/setup/install/istioctl/) or kubectl (https://kubernetes.io/docs/tasks/tools/)',
        });
      }
    }
    const command = `${tool} ${args.map(shellQuote).join(' ')}`;
    // pilot-discovery request prints the body of a 404 too: look at what was written as well as stderr
    const body = r.exitCode === 0 ? await readFile(req.file, 'utf8').catch(() => '') : '';
    if (NOT_CONNECTED.test(r.stderr) || (body.length < 400 && NOT_CONNECTED.test(body))) {
      throw new ExecError(
        `istiod in ${istioNamespace} has no connection from ${req.proxyID}: ${shortReason(NOT_CONNECTED.test(r.stderr) ? r.stderr : body)}`,
        {
          hint: `with several istiod replicas, ask again (another one may answer); check the pod is connected: istioctl proxy-status ${req.proxyID}; a revision's istiod in another namespace: -i <namespace>`,
        },
      );
    }
    if (tool === 'kubectl' && r.exitCode !== 0 && /deployments?\.apps "istiod" not found|NotFound/.test(r.stderr)) {
      throw new ExecError(`no istiod deployment in namespace ${istioNamespace}: ${shortReason(r.stderr)}`, {
        hint: "give istiod's namespace with -i <namespace> (istioctl's -i/--istioNamespace)",
      });
    }
    checkRun(r, tool, `istiod's view of ${req.proxyID}`, req.timeoutMs);
    const size = await stat(req.file).then(
      (s) => s.size,
      () => 0,
    );
    if (size === 0)
      throw new ExecError(`${tool} printed nothing for istiod's view of ${req.proxyID}`, {
        hint: `run it by hand to see why: ${command}`,
      });
    return { tool, istioNamespace, command };
  });
}
