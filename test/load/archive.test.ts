/** Bug-report archives and directories, built from fixtures at test time. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readArchiveProxy, readDirectoryProxy } from '../../src/load/archive.js';
import { loadModel } from '../../src/load/load-model.js';
import {
  bugReportFiles,
  fixture,
  makeTar,
  PRODUCTPAGE,
  removeDir,
  tempDir,
  WAYPOINT,
  writeTree,
} from '../helpers/bug-report.js';
import { expectSameBytes } from '../helpers/bytes.js';

const REVIEWS = 'outbound|9080||reviews.default.svc.cluster.local';

describe('bug-report archives', () => {
  const dir = tempDir();
  const tgz = join(dir, 'bug-report.tar.gz');
  const extracted = join(dir, 'extracted');
  beforeAll(async () => {
    writeFileSync(tgz, await makeTar(bugReportFiles()));
    writeTree(extracted, bugReportFiles());
  });
  afterAll(() => removeDir(dir));

  it("reads the chosen pod's config_dump?include_eds and clusters (into memory: nothing is written to disk)", async () => {
    const p = await readArchiveProxy(tgz, true, { pod: PRODUCTPAGE });
    expect(p).toMatchObject({
      pod: PRODUCTPAGE,
      namespace: 'default',
      dumpEntry: `bug-report/proxies/default/${PRODUCTPAGE}/config_dump?include_eds`,
      proxies: 2,
    });
    expectSameBytes(p.dump, fixture('productpage.json'));
    expectSameBytes(p.clusters, fixture('productpage-clusters.txt'));
    expect(p.dumpPath).toBeUndefined();
  });

  it('a name prefix is found on a second pass', async () => {
    const p = await readArchiveProxy(tgz, true, { pod: 'httpbin' });
    expect(p).toMatchObject({ pod: WAYPOINT, namespace: 'default', clusters: undefined });
    expectSameBytes(p.dump, fixture('waypoint.json'));
  });

  it('without --pod, lists the proxies', async () => {
    await expect(loadModel(tgz)).rejects.toMatchObject({
      message: `${tgz} holds dumps of 2 proxies: pick one with --pod <name.namespace>`,
      hint: expect.stringContaining(`${PRODUCTPAGE}.default`),
      exitCode: 2,
    });
  });

  it('loadModel reads the dump and the text /clusters as live endpoint health', async () => {
    const m = await loadModel(tgz, { pod: `${PRODUCTPAGE}.default` });
    expect(m.origin).toBe(`${tgz} --pod ${PRODUCTPAGE}.default`);
    expect(m.proxy).toMatchObject({ pod: PRODUCTPAGE, namespace: 'default' });
    const live = m.clusterStatuses?.get(REVIEWS);
    expect(live?.host_statuses?.map((h) => h.health_status?.failed_outlier_check ?? false)).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('the extracted directory works the same, from its root or any level down', async () => {
    for (const d of [
      extracted,
      join(extracted, 'bug-report'),
      join(extracted, 'bug-report/proxies'),
      join(extracted, 'bug-report/proxies/default'),
    ]) {
      const p = await readDirectoryProxy(d, { pod: 'productpage' });
      expect(p).toMatchObject({ pod: PRODUCTPAGE, namespace: 'default', proxies: 2 });
      expect(p.clustersPath).toBe(join(extracted, `bug-report/proxies/default/${PRODUCTPAGE}/clusters`));
    }
    const podDir = join(extracted, `bug-report/proxies/default/${PRODUCTPAGE}`);
    const one = await loadModel(podDir);
    expect(one.origin).toBe(podDir); // one proxy: nothing to pick
    expect(one.clusterStatuses?.has(REVIEWS)).toBe(true);
  });

  it('an archive or directory without proxies says so', async () => {
    const other = join(dir, 'other.tar.gz');
    writeFileSync(other, await makeTar({ 'a/b.txt': Buffer.from('x') }));
    await expect(loadModel(other)).rejects.toThrow(
      `${other}: a tar archive, but not an istioctl bug-report (no proxies/<namespace>/<pod>/config_dump?include_eds in it)`,
    );
    await expect(loadModel(dir)).rejects.toThrow(`${dir}: a directory, but not an istioctl bug-report`);
  });

  it('a truncated archive is one clear error', async () => {
    const cut = join(dir, 'cut.tar.gz');
    const whole = await makeTar(bugReportFiles());
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(loadModel(cut, { pod: PRODUCTPAGE })).rejects.toThrow(/cut\.tar\.gz: cannot read the archive \(/);
  });
});
