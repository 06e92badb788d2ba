/** read-text.ts: a dump's whole text as check and explain --all parse it, the same string either way it is read. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDecoded, readReusing, readUtf8Text } from '../../src/load/read-text.js';
import { loadModel } from '../../src/load/load-model.js';
import { removeDir, tempDir } from '../helpers/bug-report.js';

const REAL = 'test/fixtures/real/slime-io__scout__config_dump.json';
const SMALL = 'test/fixtures/real/istio__istio__istioctl__pkg__describe__testdata__describe__http_config.json';

describe('readUtf8Text', () => {
  const dir = tempDir('pcx-read-text-');
  afterAll(() => removeDir(dir));
  const write = (name: string, bytes: Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };

  it('an ASCII dump: the same text as a UTF-8 decode, read either way, the kept buffer shrinking or growing', () => {
    for (const f of [REAL, SMALL, REAL]) {
      const bytes = readFileSync(f);
      expect(readReusing(f, bytes.length)).toBe(bytes.toString('utf8'));
      expect(readDecoded(f, bytes.length)).toBe(bytes.toString('utf8'));
      expect(readUtf8Text(f, bytes.length)).toBe(bytes.toString('utf8'));
    }
  });

  it('non-ASCII UTF-8 is decoded as UTF-8', () => {
    const text = '{"a": "café ✓ 🚀", "b": [1, 2]}\n';
    const p = write('utf8.json', Buffer.from(text, 'utf8'));
    expect(readReusing(p, Buffer.byteLength(text))).toBe(text);
    expect(readDecoded(p, Buffer.byteLength(text))).toBe(text);
  });

  it('a BOM and a real U+FFFD are kept, as readFileSync(…, "utf8") keeps them', () => {
    const text = '\ufeff{"a": "\ufffd é"}';
    const p = write('bom.json', Buffer.from(text, 'utf8'));
    expect(readDecoded(p, Buffer.byteLength(text))).toBe(text);
    expect(readReusing(p, Buffer.byteLength(text))).toBe(text);
  });

  it('bytes that are not UTF-8, or a size that changed: undefined, for the scan to say where', () => {
    const bad = write('latin1.json', Buffer.from('{"a": "caf\xe9"}', 'latin1'));
    expect(readReusing(bad, 14)).toBeUndefined();
    expect(readDecoded(bad, 14)).toBeUndefined();
    // an encoded surrogate and a sequence cut short are not UTF-8 either
    for (const bytes of [
      [0x22, 0xed, 0xa0, 0x80, 0x22],
      [0x22, 0xe2, 0x82],
    ]) {
      const p = write('bad-seq.json', Buffer.from(bytes));
      expect(readDecoded(p, bytes.length)).toBeUndefined();
      expect(readReusing(p, bytes.length)).toBeUndefined();
    }
    const ok = write('ok.json', Buffer.from('{"a": 1}'));
    for (const size of [7, 9]) {
      expect(readReusing(ok, size)).toBeUndefined();
      expect(readDecoded(ok, size)).toBeUndefined();
    }
  });

  it('check still refuses a dump with a byte that is not UTF-8, saying where', async () => {
    const text = readFileSync(REAL, 'latin1').replace('"version_info"', '"versi\xe9n_info"');
    const p = write('bad-byte.json', Buffer.from(text, 'latin1'));
    await expect(loadModel(p, { strict: true })).rejects.toThrow(/UTF-8/);
  });
});
