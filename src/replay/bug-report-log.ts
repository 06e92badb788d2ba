/**
 * The proxy's own log in an `istioctl bug-report` (`proxies/<ns>/<pod>/istio-proxy.log`, istioctl
 * tools/bug-report archive layout; istioctl-reference.md §5), from the tarball (streamed: only the
 * chosen pod's log is kept) or the extracted directory. `explain <bug-report> --pod <pod> --log-file`
 * (no value) replays the access-log lines it holds.
 */
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { walkTar } from '../load/archive.js';

const LOG = /(?:^|\/)proxies\/([^/]+)\/([^/]+)\/istio-proxy\.log$/;

export interface ProxyLog {
  text: string;
  entry: string;
}

export async function readBugReportProxyLog(
  source: string,
  pod: string,
  namespace?: string,
): Promise<ProxyLog | undefined> {
  let st;
  try {
    st = await stat(source);
  } catch {
    throw new InputError(
      `--log-file with no value reads istio-proxy.log from a bug-report, and ${source} is not a file or directory`,
      { hint: 'give the log with --log-file <file>, or - for stdin' },
    );
  }
  const wanted = (ns: string, p: string) => p === pod && (!namespace || ns === namespace);
  if (st.isDirectory()) return fromDirectory(source, wanted);
  const head = Buffer.alloc(262);
  const fh = await open(source, 'r');
  try {
    await fh.read(head, 0, 262, 0);
  } finally {
    await fh.close();
  }
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const isTar = head.subarray(257, 262).toString('latin1') === 'ustar';
  if (!gzip && !isTar)
    throw new InputError(
      `--log-file with no value reads istio-proxy.log from a bug-report, and ${source} is a plain dump`,
      { hint: 'give the log with --log-file <file> (kubectl logs <pod> -c istio-proxy > proxy.log), or - for stdin' },
    );
  return fromTar(source, gzip, wanted);
}

/** The chosen pod's log, streamed out of the tarball through the archive reader's one tar walker. */
async function fromTar(
  path: string,
  gzip: boolean,
  wanted: (ns: string, pod: string) => boolean,
): Promise<ProxyLog | undefined> {
  let found: ProxyLog | undefined;
  await walkTar(path, gzip, async (name, entry) => {
    const m = LOG.exec(name);
    if (found || !m || !wanted(m[1], m[2])) return false;
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    found = { text: Buffer.concat(chunks).toString('utf8'), entry: name };
    return true;
  });
  return found;
}

async function fromDirectory(dir: string, wanted: (ns: string, pod: string) => boolean): Promise<ProxyLog | undefined> {
  for (const root of [join(dir, 'proxies'), join(dir, 'bug-report', 'proxies')]) {
    let namespaces: string[];
    try {
      namespaces = await readdir(root);
    } catch {
      continue;
    }
    for (const ns of namespaces) {
      let pods: string[];
      try {
        pods = await readdir(join(root, ns));
      } catch {
        continue;
      }
      for (const p of pods) {
        if (!wanted(ns, p)) continue;
        const f = join(root, ns, p, 'istio-proxy.log');
        try {
          return { text: await readFile(f, 'utf8'), entry: f };
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}
