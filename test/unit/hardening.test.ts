/**
 * Bounded inputs, safe --save, and the small refusals of issue 14. Limits are set small by each test
 * (PCX_MAX_INPUT_BYTES), so no test needs a multi-GB file.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { loadModel } from '../../src/load/load-model.js';
import { indexBytes } from '../../src/load/dump-index.js';
import { MAX_INPUT_ENV } from '../../src/load/read-bytes.js';
import { bugReportFiles, fixture, makeTar, PRODUCTPAGE, removeDir, tempDir, writeTree } from '../helpers/bug-report.js';
import { pcxIn } from '../helpers/in-process.js';
import { expectSameBytes } from '../helpers/bytes.js';

const DUMP = 'test/fixtures/real/slime-io__scout__config_dump.json';

function withLimit<T>(bytes: number, fn: () => Promise<T>): Promise<T> {
  const before = process.env[MAX_INPUT_ENV];
  process.env[MAX_INPUT_ENV] = String(bytes);
  return fn().finally(() => {
    if (before === undefined) delete process.env[MAX_INPUT_ENV];
    else process.env[MAX_INPUT_ENV] = before;
  });
}

describe('bounded inputs', () => {
  const dir = tempDir();
  afterAll(() => removeDir(dir));

  it('a gzip bomb stops at the limit with one clear line, not after inflating it all', async () => {
    const bomb = join(dir, 'bomb.json.gz');
    writeFileSync(bomb, gzipSync(Buffer.alloc(4_000_000, 0x20))); // 4 MB of spaces in ~4 kB
    await withLimit(1_000_000, () =>
      expect(loadModel(bomb)).rejects.toMatchObject({
        message: `${bomb} inflated is larger than 1.0 MB (the limit ${MAX_INPUT_ENV} sets); no real config dump is`,
        exitCode: 2,
      }),
    );
  });

  it('a real gzipped dump under the limit still loads', async () => {
    const gz = join(dir, 'dump.json.gz');
    writeFileSync(gz, gzipSync(readFileSync(DUMP)));
    const m = await withLimit(1_000_000, () => loadModel(gz));
    expect(m.listeners.length).toBeGreaterThan(10);
  });

  it('a plain file and stdin past the limit are refused the same way', async () => {
    await withLimit(100_000, () =>
      expect(loadModel(DUMP)).rejects.toThrow(/is larger than 100000 bytes \(the limit PCX_MAX_INPUT_BYTES sets\)/),
    );
    await withLimit(100_000, () =>
      expect(loadModel('-', { stdin: Readable.from([readFileSync(DUMP)]) })).rejects.toThrow(
        /^stdin is larger than 100000 bytes/,
      ),
    );
  });

  it('a bad limit is a usage error', async () => {
    await withLimit(-1 as number, () =>
      expect(loadModel(join(dir, 'bomb.json.gz'))).rejects.toThrow(
        /PCX_MAX_INPUT_BYTES=-1 is not a positive number of bytes/,
      ),
    );
  });

  it('a bug-report whose inflated stream passes the limit stops there', async () => {
    const files = { ...bugReportFiles(), 'bug-report/huge.log': Buffer.alloc(3_000_000, 0x61) };
    const tgz = join(dir, 'bomb-report.tar.gz');
    writeFileSync(tgz, await makeTar(files));
    await withLimit(1_500_000, () =>
      expect(loadModel(tgz, { pod: PRODUCTPAGE })).rejects.toThrow(`${tgz} inflated is larger than 1.5 MB`),
    );
  });

  it('an archive member past the limit stops there (a plain tar: no gzip layer to count)', async () => {
    const tar = join(dir, 'report.tar');
    writeFileSync(tar, await makeTar(bugReportFiles(), false));
    await withLimit(200_000, () =>
      expect(loadModel(tar, { pod: PRODUCTPAGE })).rejects.toThrow(
        `${tar}: bug-report/proxies/default/${PRODUCTPAGE}/config_dump?include_eds is larger than 200000 bytes`,
      ),
    );
  });

  it('pathological nesting past the string limit fails at once, with no stack overflow', () => {
    const deep = Buffer.from('['.repeat(50_000) + ']'.repeat(50_000));
    expect(() => indexBytes(deep, 'deep.json', { chunk: 16 })).toThrow(
      'deep.json: nested more than 1000 levels deep (at byte 1000); no Envoy config dump is (protobuf stops at 100 levels)',
    );
  });

  it('an empty file says so', async () => {
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '');
    await expect(loadModel(empty)).rejects.toThrow(`${empty}: empty file; expected an Envoy config dump`);
    writeFileSync(empty, ' \n');
    await expect(loadModel(empty)).rejects.toThrow(
      `${empty}: empty file (only whitespace); expected an Envoy config dump`,
    );
  });
});

describe('--save writes safely', () => {
  const dir = tempDir();
  afterAll(() => removeDir(dir));
  const leftovers = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

  it('a new file is created 0600 and is the dump byte for byte', async () => {
    const out = join(dir, 'new.json');
    await loadModel(DUMP, { save: out });
    expectSameBytes(readFileSync(out), readFileSync(DUMP));
    expect(lstatSync(out).mode & 0o777).toBe(0o600);
    expect(leftovers()).toEqual([]);
  });

  it('an existing file is not replaced without --force; with it, its mode is kept', async () => {
    const out = join(dir, 'existing.json');
    writeFileSync(out, 'keep me');
    chmodSync(out, 0o640);
    await expect(loadModel(DUMP, { save: out })).rejects.toMatchObject({
      message: `--save ${out}: the file exists; add --force to replace it`,
      exitCode: 2,
    });
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    await loadModel(DUMP, { save: out, force: true });
    expectSameBytes(readFileSync(out), readFileSync(DUMP));
    expect(lstatSync(out).mode & 0o777).toBe(0o640);
  });

  it('never writes through a symlink, even with --force', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const link = join(dir, 'link.json');
    symlinkSync(victim, link);
    await expect(loadModel(DUMP, { save: link, force: true })).rejects.toThrow(
      `--save ${link}: it is a symbolic link; pcx does not write through links`,
    );
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('the temporary name is random and created exclusively: a link planted at the old name is never followed', async () => {
    const victim = join(dir, 'victim2.txt');
    writeFileSync(victim, 'precious');
    const out = join(dir, 'planted.json');
    symlinkSync(victim, `${out}.pcx-${process.pid}.tmp`); // the name pcx used to write to
    await loadModel(DUMP, { save: out });
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expectSameBytes(readFileSync(out), readFileSync(DUMP));
  });

  it('the CLI has --force', async () => {
    const out = join(dir, 'cli.json');
    writeFileSync(out, 'x');
    const r = await pcxIn(['clusters', DUMP, '--save', out]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`pcx: --save ${out}: the file exists; add --force to replace it\n`);
    expect((await pcxIn(['clusters', DUMP, '--save', out, '--force'])).code).toBe(0);
    expect(existsSync(out) && readFileSync(out).length).toBe(readFileSync(DUMP).length);
  });
});

describe('small refusals', () => {
  it("-n '' is refused, not silently dropped", async () => {
    const r = await pcxIn(['explain', DUMP, 'reviews:9080/', '-n', '']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^pcx: -n needs a namespace, not an empty string\n/);
  });

  it('an extracted bug-report is not read through a symlink pointing outside it', async () => {
    const dir = tempDir();
    try {
      const report = join(dir, 'report');
      writeTree(report, bugReportFiles());
      const outside = join(dir, 'outside.json');
      writeFileSync(outside, fixture('productpage.json'));
      const pod = join(report, `bug-report/proxies/default/${PRODUCTPAGE}`);
      const dump = join(pod, 'config_dump?include_eds');
      removeDir(dump);
      symlinkSync(outside, dump);
      await expect(loadModel(report, { pod: PRODUCTPAGE })).rejects.toThrow(
        /leads outside the bug-report directory \(to .*outside\.json\); refused/,
      );
      // a link inside the report is fine
      mkdirSync(join(report, 'bug-report/copies'));
      writeFileSync(join(report, 'bug-report/copies/dump.json'), fixture('productpage.json'));
      removeDir(dump);
      symlinkSync(join(report, 'bug-report/copies/dump.json'), dump);
      expect((await loadModel(report, { pod: PRODUCTPAGE })).proxy.pod).toBe(PRODUCTPAGE);
    } finally {
      removeDir(dir);
    }
  });
});
