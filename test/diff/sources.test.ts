/** `pcx diff` on every kind of source: bug-report pods, a pod against a saved file, two live pods (fake istioctl). */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAKE_BIN, FIXTURES, PRODUCTPAGE, bugReportFiles, makeTar, removeDir, tempDir } from '../live/helpers.js';
import { pcxIn } from '../helpers/in-process.js';

function pcx(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['bin/pcx.js', 'diff', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('pcx diff sources', () => {
  const tmp = tempDir('pcx-diff-src-');
  const report = join(tmp, 'report.tgz');
  beforeAll(async () => writeFileSync(report, await makeTar(bugReportFiles())));
  afterAll(() => removeDir(tmp));

  // bug-reports in-process (run(argv, io)); live pods spawn, so the fake istioctl is found on PATH by execa
  it('two proxies of one bug-report (--pod, --pod-b)', async () => {
    const r = await pcxIn(['diff', report, report, '--pod', 'productpage', '--pod-b', 'httpbin-istio-waypoint']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/note a is a sidecar and b is a waypoint/);
    expect(r.out).toMatch(new RegExp(`a  ${report.replace(/[.]/g, '\\.')} --pod ${PRODUCTPAGE}\\.default`));
  });

  it('a bug-report pod against a saved file of the same proxy', async () => {
    const r = await pcxIn(['diff', report, join(FIXTURES, 'productpage.json'), '--pod', 'productpage']);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/no differences/);
    expect(r.code).toBe(0);
  });

  it('two live pods, read through istioctl', () => {
    const r = pcx(['productpage-v1-aaa.default', 'productpage-v1-bbb.default'], {
      PATH: `${FAKE_BIN}:${process.env.PATH}`,
    });
    expect(r.out).toMatch(/a {2}productpage-v1-aaa\.default .*\n {2}b {2}productpage-v1-bbb\.default /);
    expect(r.out).toMatch(/no differences/);
    expect(r.code).toBe(0);
  });

  it('a pod that cannot be read is an error (exit 2), naming it', () => {
    const r = pcx(['productpage-v1-aaa.default', 'missing-pod.default'], { PATH: `${FAKE_BIN}:${process.env.PATH}` });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^pcx: .*missing-pod/);
  });
});
