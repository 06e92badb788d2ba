/**
 * DiffResult / ChainDiff → JSON. Plain `pcx diff -o json` prints the array of changes, the
 * documented schema: `[{"type", "name", "change": "added|removed|changed", "fields": [{path,
 * change, before, after}], "path", "summary"?}]`. With `--host` it prints one object: the request,
 * the steps compared, both explain results and the changes on the path.
 */
import type { ChainDiff, DiffResult, ResourceChange } from '../diff/result.js';

function changeJson(c: ResourceChange): Record<string, unknown> {
  return {
    type: c.type,
    name: c.name,
    change: c.change,
    fields: c.fields,
    path: c.path,
    ...(c.summary ? { summary: c.summary } : {}),
    // README documents policy in the JSON form: it was left out here
    ...(c.policy?.length ? { policy: c.policy } : {}),
    ...(c.missing_clusters ? { missing_clusters: c.missing_clusters } : {}),
    ...(c.warnings ? { warnings: c.warnings } : {}),
  };
}

export function renderDiffJson(r: DiffResult): string {
  return JSON.stringify(diffJsonValue(r), null, 2) + '\n';
}

/** The value `-o json` prints (and `-o yaml`, machine-output.ts). */
export function diffJsonValue(r: DiffResult): Record<string, unknown>[] {
  return r.changes.map(changeJson);
}

export function renderChainDiffJson(c: ChainDiff): string {
  return JSON.stringify(chainDiffJsonValue(c), null, 2) + '\n';
}

export function chainDiffJsonValue(c: ChainDiff): Record<string, unknown> {
  return {
    request: c.request,
    changed: c.changed,
    steps: c.steps,
    changes: c.changes.map(changeJson),
    notes: c.notes,
    before: c.before,
    after: c.after,
  };
}
