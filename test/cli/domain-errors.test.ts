/**
 * Issue 9 "core code speaks in domain terms": the analyses throw errors that name the request field, never a CLI
 * flag; the command layer (src/commands/cli-words.ts) words them for the flag the user typed. The lines users read
 * are unchanged.
 */
import { loadModel } from '../../src/load/load-model.js';
import { explain } from '../../src/explain/explain.js';
import { parseHeaderFlag } from '../../src/explain/target.js';
import { RequestError, UsageError } from '../../src/errors.js';
import { pcxIn as pcxInProcess } from '../helpers/in-process.js';

const SAMPLE = 'samples/productpage-istio-1.9.json';

function thrown(fn: () => unknown): RequestError {
  try {
    fn();
  } catch (e) {
    return e as RequestError;
  }
  throw new Error('expected a throw');
}

describe('analyses name request fields, not flags', () => {
  it('explain() with a bad destination IP: a RequestError about the field ip', async () => {
    const model = await loadModel(SAMPLE);
    const e = thrown(() => explain(model, { target: 'reviews:9080/', ip: 'x' }));
    expect(e).toBeInstanceOf(RequestError);
    expect(e).toBeInstanceOf(UsageError); // still exit 2, one line, wherever it surfaces
    expect({ field: e.field, value: e.value }).toEqual({ field: 'ip', value: 'x' });
    expect(e.message).not.toMatch(/--ip/);
  });

  it('a header without a colon: a RequestError about the field header, its hint naming no flag', () => {
    const e = thrown(() => parseHeaderFlag('nocolon'));
    expect(e).toBeInstanceOf(RequestError);
    expect({ field: e.field, message: e.message }).toEqual({ field: 'header', message: 'bad header "nocolon"' });
    expect(e.hint).not.toMatch(/-H/);
  });
});

describe('the CLI words them for the flags, exactly as before', () => {
  it('--ip', async () => {
    const r = await pcxInProcess(['explain', SAMPLE, 'reviews:9080/', '--ip', 'x']);
    expect(r).toEqual({ code: 2, out: '', err: 'pcx: --ip x is not an IP address\n' });
  });

  it('-H', async () => {
    const r = await pcxInProcess(['explain', SAMPLE, 'reviews:9080/', '-H', 'nocolon']);
    expect(r).toEqual({
      code: 2,
      out: '',
      err: 'pcx: bad header "nocolon"\n     write headers as -H \'name: value\'\n',
    });
  });

  it('-H on diff --host and report too', async () => {
    const d = await pcxInProcess(['diff', SAMPLE, SAMPLE, '--host', 'reviews:9080/', '-H', 'nocolon']);
    expect({ code: d.code, err: d.err }).toEqual({
      code: 2,
      err: 'pcx: bad header "nocolon"\n     write headers as -H \'name: value\'\n',
    });
    const rep = await pcxInProcess(['report', SAMPLE, 'reviews:9080/', '-H', 'nocolon', '--no-map']);
    expect({ code: rep.code, err: rep.err }).toEqual({
      code: 2,
      err: 'pcx: bad header "nocolon"\n     write headers as -H \'name: value\'\n',
    });
  });
});
