/**
 * `pcx ecds -o short`: istioctl's ECDS summary (`PrintEcdsSummary`, istioctl/pkg/writer/envoy/configdump/ecds.go):
 * `ECDS NAME` and `TYPE` (the typed_config's type URL without `type.googleapis.com/`), the filters of every
 * EcdsConfigDump section merged, sorted by type URL then name; tabwriter padding 5.
 */
import type { ConfigModel, EcdsRecord } from '../model/config-model.js';
import { PAD5, type Table } from './types.js';

const TYPE_URL_PREFIX = 'type.googleapis.com/';

export function ecdsTable(model: ConfigModel): Table {
  const table: Table = { columns: ['ECDS NAME', 'TYPE'], rows: [], layout: PAD5, resources: [] };
  if (!model.sections.has('ecds')) {
    table.missing = 'extension configs (EcdsConfigDump)';
    return table;
  }
  // the record is in snake_case whatever the dump's spelling (istioctl pc ecds -o json writes protojson's `typedConfig`)
  const typeUrl = (c: EcdsRecord) => String(c.config.typed_config?.['@type'] ?? '');
  const sorted = [...model.ecds].sort((a, b) => {
    const ta = typeUrl(a);
    const tb = typeUrl(b);
    if (ta !== tb) return ta < tb ? -1 : 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  for (const e of sorted)
    table.rows.push([
      e.name,
      typeUrl(e).startsWith(TYPE_URL_PREFIX) ? typeUrl(e).slice(TYPE_URL_PREFIX.length) : typeUrl(e),
    ]);
  // -o json|yaml: the merged EcdsConfigDump, as istioctl prints it
  table.resources = [{ ecds_filters: model.ecds.map((e) => e.entry) }];
  return table;
}
