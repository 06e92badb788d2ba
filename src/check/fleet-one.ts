/** Fleet mode's one proxy (fleet.ts), in a worker thread (fleet-worker.ts) or, with 0 workers, in this one. */
import { loadModel } from '../load/load-model.js';
import { PcxError } from '../errors.js';
import { ZtunnelDocumentError } from '../ztunnel/detect.js';
import { check } from './check.js';
import { parseFilter } from './filter.js';
import type { FleetOutcome, FleetTask } from './fleet.js';

/** One proxy: its findings, or why it could not be checked. */
export async function checkOne(t: FleetTask): Promise<FleetOutcome> {
  try {
    // check reads every resource: parse the dump whole, as single `pcx check` does (source-options `whole`), not one by one
    const model = await loadModel(t.dumpPath, { clustersFile: t.clustersPath, strict: true });
    model.origin = t.origin;
    return { ok: true, result: check(model, parseFilter(t.only, t.ignore)) };
  } catch (e) {
    // a ztunnel pod's config in the bug-report: the ztunnel rules (PCX19x), as `pcx check <ztunnel dump>` runs them
    if (e instanceof ZtunnelDocumentError) {
      const [{ checkZtunnel }, { ztunnelModelFrom }] = await Promise.all([
        import('./ztunnel.js'),
        import('../ztunnel/load.js'),
      ]);
      const m = ztunnelModelFrom(e);
      m.origin = t.origin;
      return { ok: true, result: checkZtunnel(m, parseFilter(t.only, t.ignore)) };
    }
    if (e instanceof PcxError) return { ok: false, error: e.message.split(t.dumpPath).join(t.origin) };
    return { ok: false, error: `cannot check it: ${(e as Error).message}` };
  }
}
