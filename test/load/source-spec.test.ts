import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { classifySource, parsePodRef } from '../../src/load/source-spec.js';
import { bugReportFiles, fixture, makeTar, removeDir, tempDir } from '../helpers/bug-report.js';

describe('parsePodRef', () => {
  it('reads <pod>[.<namespace>] as istioctl does (namespace after the last dot)', () => {
    expect(parsePodRef('productpage-v1-64794f5db4-blnt8')).toEqual({ target: 'productpage-v1-64794f5db4-blnt8' });
    expect(parsePodRef('productpage-v1-64794f5db4-blnt8.default')).toEqual({
      target: 'productpage-v1-64794f5db4-blnt8',
      namespace: 'default',
    });
    expect(parsePodRef('a.b.istio-system')).toEqual({ target: 'a.b', namespace: 'istio-system' });
  });
  it('keeps a resource type in the target', () => {
    expect(parsePodRef('deployment/productpage-v1.bookinfo')).toEqual({
      target: 'deployment/productpage-v1',
      namespace: 'bookinfo',
    });
    expect(parsePodRef('deploy/reviews')).toEqual({ target: 'deploy/reviews' });
    expect(parsePodRef('pod/x.ns')).toEqual({ target: 'pod/x', namespace: 'ns' });
  });
  it('does not take file names or paths for pods', () => {
    for (const s of [
      'dump.json',
      'dump.json.gz',
      'bug-report.tar.gz',
      'bug-report.tgz',
      'config.yaml',
      './dump',
      '/tmp/x',
      'a/b/c',
      'Dump',
      'my_dump',
      'unknowntype/x',
      '-x',
    ]) {
      expect(parsePodRef(s)).toBeUndefined();
    }
  });
});

describe('classifySource', () => {
  const dir = tempDir();
  afterAll(() => removeDir(dir));

  it('tells stdin, files, directories, archives, pods and missing paths apart', async () => {
    const dump = join(dir, 'dump.json');
    writeFileSync(dump, fixture('productpage.json'));
    const dumpGz = join(dir, 'dump.json.gz');
    writeFileSync(dumpGz, gzipSync(fixture('productpage.json')));
    const tgz = join(dir, 'report.tar.gz');
    writeFileSync(tgz, await makeTar(bugReportFiles()));
    const plainTar = join(dir, 'report.tar');
    writeFileSync(plainTar, await makeTar(bugReportFiles(), false));
    // a tarball is known by its content, not its name
    const oddName = join(dir, 'report.json');
    writeFileSync(oddName, await makeTar(bugReportFiles()));
    mkdirSync(join(dir, 'extracted'));

    expect(await classifySource('-')).toEqual({ kind: 'stdin' });
    expect(await classifySource(dump)).toEqual({ kind: 'file', path: dump });
    expect(await classifySource(dumpGz)).toEqual({ kind: 'file', path: dumpGz });
    expect(await classifySource(tgz)).toEqual({ kind: 'archive', path: tgz, gzip: true });
    expect(await classifySource(plainTar)).toEqual({ kind: 'archive', path: plainTar, gzip: false });
    expect(await classifySource(oddName)).toEqual({ kind: 'archive', path: oddName, gzip: true });
    expect(await classifySource(join(dir, 'extracted'))).toEqual({ kind: 'directory', path: join(dir, 'extracted') });
    expect(await classifySource('reviews-v1-abc.default')).toEqual({
      kind: 'live',
      pod: { target: 'reviews-v1-abc', namespace: 'default' },
    });
    expect(await classifySource(join(dir, 'nope.json'))).toEqual({ kind: 'missing', path: join(dir, 'nope.json') });
  });

  it('an existing path wins over a pod-like name', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      writeFileSync(join(dir, 'reviews'), fixture('productpage.json'));
      expect(await classifySource('reviews')).toEqual({ kind: 'file', path: 'reviews' });
    } finally {
      process.chdir(cwd);
    }
  });
});
