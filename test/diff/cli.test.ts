/**
 * `pcx diff` as a user runs it: exit 0 same, 1 differences, 2 error. In-process through run(argv, io)
 * (the path bin/pcx.js takes); one case spawns bin/pcx.js (built by `npm test`) for the real exit status.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcxIn } from '../helpers/in-process.js';
import {
  SLIME,
  camelCased,
  readReal,
  reordered,
  reversioned,
  reviewsSplit,
  reviewsV1,
  v2alphaTyped,
} from './variants.js';

function pcx(args: string[], input?: string) {
  return pcxIn(['diff', ...args], input);
}

function spawned(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/pcx.js', 'diff', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('pcx diff (CLI)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pcx-diff-'));
  const slime = readReal(SLIME);
  const file = (name: string, doc: unknown, gz = false) => {
    const p = join(tmp, name);
    const text = JSON.stringify(doc);
    writeFileSync(p, gz ? gzipSync(text) : text);
    return p;
  };
  const a = file('a.json', slime);
  const noisy = file('noisy.json.gz', camelCased(v2alphaTyped(reversioned(reordered(slime)))), true);
  const before = file('before.json', reviewsV1(slime));
  const after = file('after.json', reviewsSplit(slime));

  it('identical files: exit 0, "no differences"', async () => {
    const r = await pcx([a, a]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^no differences \(compared 22 listeners, 13 route configurations, 37 clusters, 2 secrets\)$/m,
    );
    expect(r.err).toBe('');
  });

  it('a noise-only pair (camelCase, reordered, new versions, v2alpha, gzipped): exit 0', async () => {
    const r = await pcx([a, noisy]);
    expect(r.out).toMatch(/no differences/);
    expect(r.code).toBe(0);
  });

  it('real changes: exit 1, summary table first, then the details (and the same from the real process)', async () => {
    const r = await pcx([before, after]);
    expect(r.code).toBe(1);
    expect(spawned([before, after])).toEqual(r);
    expect(r.out).toMatch(/type\s+added\s+removed\s+changed\nlistener\s+0\s+0\s+0\n/);
    expect(r.out.indexOf('total')).toBeLessThan(
      r.out.indexOf('~ 9080 › reviews.default.svc.cluster.local:9080 › default'),
    );
    expect(r.out).toMatch(/\+ outbound\|9080\|v3\|reviews.default.svc.cluster.local {2}EDS/);
  });

  it('-o json, --type and --name', async () => {
    const r = await pcx([before, after, '-o', 'json', '--type', 'cluster']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual([
      {
        type: 'cluster',
        name: 'outbound|9080|v3|reviews.default.svc.cluster.local',
        change: 'added',
        fields: [],
        path: ['outbound|9080|v3|reviews.default.svc.cluster.local'],
        summary: 'EDS',
      },
    ]);
    const none = await pcx([before, after, '-o', 'json', '--name', 'details']);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.out)).toEqual([]);
  });

  it('--host compares the chains hop by hop', async () => {
    const r = await pcx([before, after, '--host', 'reviews:9080/reviews/1']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/~ clusters +before: reviews v1 100%\n +after: +reviews v1 50% \/ reviews v3 50%\n/);
    const same = await pcx([a, noisy, '--host', 'reviews:9080/']);
    expect(same.code).toBe(0);
  });

  it('errors exit 2 with one line and a hint', async () => {
    const missing = await pcx([a, join(tmp, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^pcx: .*nope\.json: no such file\n/);
    expect((await pcx([a, a, '--type', 'bogus'])).code).toBe(2);
    expect((await pcx(['-', '-'], '{}')).code).toBe(2);
    expect((await pcx([a, a, '-H', 'x: y'])).code).toBe(2);
    expect((await pcx([a, a, '--host', 'reviews:9080', '--type', 'cluster'])).code).toBe(2);
    const notDump = await pcx([a, file('x.json', { hello: 1 })]);
    expect(notDump.code).toBe(2);
    expect(notDump.err).not.toMatch(/at .*\.js:\d+/);
  });

  it('one side from stdin', async () => {
    const r = await pcx([a, '-'], JSON.stringify(slime));
    expect(r.code).toBe(0);
  });
});
