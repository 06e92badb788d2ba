/**
 * An explanation as a graph, for pictures (SVG, Mermaid): the trunk of hops every request takes (listener → filter
 * chain → route configuration → virtual host → route), one branch per cluster of a weighted split (cluster →
 * endpoints, with its share), and the verdict. Each node carries a tone: the hop that fails is `bad`, so a picture
 * shows at a glance where the request breaks. Pure data; chain-svg.ts and chain-mermaid.ts draw it.
 */
import type { ExplainResult, Hop } from '../explain/result.js';
import { isProblem, verdictHeadline, verdictTone, type Tone } from '../explain/verdict.js';
import { HOP_LABEL } from './hop-label.js';

export type NodeTone = Tone | 'neutral';

export interface GraphNode {
  id: string;
  /** "listener", "route", "cluster", … */
  kind: string;
  /** The element's name (a cluster name, a listener name, …), or the verdict headline. */
  title: string;
  /** One short line under the title: the endpoint count, the state, the verdict's summary. */
  note?: string;
  tone: NodeTone;
  /** What the dump cannot tell (endpoints not captured): never drawn as good. */
  uncertain?: boolean;
}

export interface GraphBranch {
  cluster: string;
  /** Percent of requests (a single cluster: 100). */
  weight: number;
  nodes: GraphNode[];
}

export interface ChainGraph {
  trunk: GraphNode[];
  branches: GraphBranch[];
  verdict: GraphNode;
}

const LABEL: Record<string, string> = { dns: 'dns', ...HOP_LABEL };

function endpointsNote(h: Hop): { note: string; bad: boolean; unknown?: boolean } {
  const eps = h.endpoints ?? [];
  if (!eps.length) {
    const unknown = /^unknown/.test(h.reason);
    return {
      note: unknown ? 'endpoints unknown (EDS not captured)' : h.reason,
      bad: !unknown && /\bno |\bnone\b|\b0 /.test(h.reason),
      unknown,
    };
  }
  const usable = eps.filter((e) => e.usable).length;
  return { note: `${usable} of ${eps.length} usable`, bad: usable === 0 };
}

function nodeOf(h: Hop, id: string): GraphNode {
  const kind = LABEL[h.kind] ?? h.kind;
  if (h.kind === 'endpoints') {
    const n = endpointsNote(h);
    return {
      id,
      kind,
      title: h.name,
      note: n.note,
      tone: n.bad ? 'bad' : 'neutral',
      ...(n.unknown ? { uncertain: true } : {}),
    };
  }
  const bad =
    h.state === 'missing' || h.state === 'error' || (h.kind === 'authorization' && h.reason.startsWith('DENIED'));
  const note = h.state && !['active', 'static', 'dynamic'].includes(h.state) ? h.state : undefined;
  return { id, kind, title: h.name, ...(note ? { note } : {}), tone: bad ? 'bad' : 'neutral' };
}

export function chainGraph(r: ExplainResult): ChainGraph {
  const trunk: GraphNode[] = [];
  const branches: GraphBranch[] = [];
  // the DNS step comes before the listener (issue 11 part 4): how the name becomes the address dialled
  if (r.dns)
    trunk.push({
      id: 'h0',
      kind: 'dns',
      title: `${r.dns.name}${r.dns.address ? ` → ${r.dns.address}` : ''}`,
      note: r.dns.resolver,
      tone: 'neutral',
    });
  let n = 0;
  for (const h of r.hops) {
    const id = `h${++n}`;
    if (h.cluster === undefined) {
      trunk.push(nodeOf(h, id));
      continue;
    }
    let b = branches.find((x) => x.cluster === h.cluster);
    if (!b) branches.push((b = { cluster: h.cluster, weight: h.weight ?? 100, nodes: [] }));
    b.nodes.push(nodeOf(h, id));
  }
  // A single cluster's hops carry no `cluster` field: they are the trunk's tail; draw them as the one branch
  if (!branches.length) {
    const i = trunk.findIndex((x) => x.kind === 'cluster');
    if (i >= 0) branches.push({ cluster: trunk[i].title, weight: 100, nodes: trunk.splice(i) });
  }
  const v = r.verdict;
  const tone = verdictTone(v.kind, v.http_status);
  // the failing hop: a node already marked bad, else (the request stops before any cluster) the last trunk hop
  const anyBad = [...trunk, ...branches.flatMap((b) => b.nodes)].some((x) => x.tone === 'bad');
  if (
    isProblem(v.kind, v.http_status) &&
    !anyBad &&
    !branches.length &&
    trunk.length &&
    trunk[trunk.length - 1].kind !== 'dns'
  )
    trunk[trunk.length - 1].tone = 'bad';
  for (const x of [...trunk, ...branches.flatMap((b) => b.nodes)])
    if (x.tone === 'neutral' && tone === 'good' && !x.uncertain) x.tone = 'good';
  return {
    trunk,
    branches,
    verdict: { id: 'verdict', kind: 'verdict', title: verdictHeadline(v), note: v.summary, tone },
  };
}
