/** What each hop of the chain is called, in every human output (explain text, report, the chain picture). */
import type { Hop } from '../explain/result.js';

export const HOP_LABEL: Record<Hop['kind'], string> = {
  listener: 'listener',
  filter_chain: 'filter chain',
  network_filter: 'network filter',
  route_config: 'route config',
  virtual_host: 'virtual host',
  route: 'route',
  cluster: 'cluster',
  endpoints: 'endpoints',
  authorization: 'authorization',
};
