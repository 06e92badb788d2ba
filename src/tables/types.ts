/**
 * What every table function returns: pure data (model + filter → rows), rendered by
 * render/table.ts. Column names, cell text, row order and layout are istioctl's
 * (shared/docs/istioctl-reference.md §1, istioctl-listener-columns.md).
 */
import type { Json } from '../model/envoy-types.js';
import type { TabLayout } from '../render/table.js';

export interface Table {
  /** Header cells, exactly as istioctl prints them. */
  columns: string[];
  /** One array of cells per row, same length as `columns`. */
  rows: string[][];
  /** Go tabwriter settings istioctl uses for this table. */
  layout: TabLayout;
  /** The selected resources themselves, for `-o json|yaml`. */
  resources: Json[];
  /** Set when the dump has no section for this table (the table is then empty). */
  missing?: string;
  /** Printed instead of the table when there is nothing to show (istioctl's own wording). */
  emptyMessage?: string;
  /** Whether to print the header row (the bootstrap summary has none). */
  header?: boolean;
}

/** istioctl's tabwriter settings: `Init(w, minwidth, 8, padding, ' ', 0)`. */
export const PAD1: TabLayout = { minwidth: 0, padding: 1 };
export const PAD5: TabLayout = { minwidth: 0, padding: 5 };

/** Options shared by every table. */
export interface TableOptions {
  /** `pcx all` / `istioctl pc all`: prefix a NAME column with `cluster/…`, `listener/…` etc. */
  withName?: boolean;
}
