/** read-text.ts: a dump's whole text as check and explain --all parse it, the same string as a UTF-8 decode. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readUtf8Text } from '../../src/load/read-text.js';
import { loadModel } from '../../src/load/load-model.js';
import { removeDir, tempDir } from '../helpers/bug-report.js';

const REAL = 'test/fixtures/real/slime-io__scout__config_dump.json';

describe('readUtf8Text', () => {
  const dir = tempDir('pcx-read-text-');
  afterAll(() => removeDir(dir));
  const write = (name: string, bytes: Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };

  it('an ASCII dump: the same text as a UTF-8 decode', () => {
    const bytes = readFileSync(REAL);
    expect(readUtf8Text(REAL, bytes.length)).toBe(bytes.toString('utf8'));
  });

  it('non-ASCII UTF-8 (and a real U+FFFD in it) is decoded as UTF-8', () => {
    const text = '{"a": "café ✓ \ufffd 🚀", "b": [1, 2]}\n';
    const p = write('utf8.json', Buffer.from(text, 'utf8'));
    expect(readUtf8Text(p, Buffer.byteLength(text))).toBe(text);
  });

  it('bytes that are not UTF-8, or a size that changed: undefined, for the scan to say where', () => {
    const bad = write('latin1.json', Buffer.from('{"a": "caf\xe9"}', 'latin1'));
    expect(readUtf8Text(bad, 14)).toBeUndefined();
    const ok = write('ok.json', Buffer.from('{"a": 1}'));
    expect(readUtf8Text(ok, 9)).toBeUndefined();
  });

  it('check still refuses a dump with a byte that is not UTF-8, saying where', async () => {
    const text = readFileSync(REAL, 'latin1').replace('"version_info"', '"versi\xe9n_info"');
    const p = write('bad-byte.json', Buffer.from(text, 'latin1'));
    await expect(loadModel(p, { strict: true })).rejects.toThrow(/UTF-8/);
  });
});
