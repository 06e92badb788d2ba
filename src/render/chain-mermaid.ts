/**
 * The chain as a Mermaid flowchart (GitHub and GitLab render ```mermaid blocks): the trunk, a weighted split as
 * labelled edges, the verdict last, the failing hop styled in the verdict's colour.
 */
import type { ChainGraph, GraphNode } from './chain-graph.js';
import { percentText } from '../text/percent.js';

/** Mermaid label text: quotes and markup characters as HTML entities (Mermaid decodes #quot; style entities). */
function label(s: string): string {
  return s.replace(/[&<>"#|[\]{}()]/g, (c) => `#${c.codePointAt(0)};`);
}

function node(n: GraphNode): string {
  const text = `${n.kind}<br/>${label(n.title)}${n.note ? `<br/><small>${label(n.note.length > 90 ? n.note.slice(0, 89) + '…' : n.note)}</small>` : ''}`;
  return n.kind === 'verdict' ? `  ${n.id}(["${text}"])` : `  ${n.id}["${text}"]`;
}

export function renderChainMermaid(g: ChainGraph): string {
  const out = ['flowchart TD'];
  const all = [...g.trunk, ...g.branches.flatMap((b) => b.nodes), g.verdict];
  for (const n of all) out.push(node(n));
  for (let i = 1; i < g.trunk.length; i++) out.push(`  ${g.trunk[i - 1].id} --> ${g.trunk[i].id}`);
  const last = g.trunk[g.trunk.length - 1];
  const ends: string[] = [];
  for (const b of g.branches) {
    b.nodes.forEach((n, j) => {
      const from = j === 0 ? last?.id : b.nodes[j - 1].id;
      if (from)
        out.push(
          j === 0 && g.branches.length > 1
            ? `  ${from} -- "${percentText(b.weight)}" --> ${n.id}`
            : `  ${from} --> ${n.id}`,
        );
    });
    if (b.nodes.length) ends.push(b.nodes[b.nodes.length - 1].id);
  }
  if (!ends.length && last) ends.push(last.id);
  for (const e of ends) out.push(`  ${e} --> ${g.verdict.id}`);
  out.push('  classDef good fill:#dafbe1,stroke:#1a7f37,color:#1f2328');
  out.push('  classDef warn fill:#fff8c5,stroke:#9a6700,color:#1f2328');
  out.push('  classDef bad fill:#ffebe9,stroke:#cf222e,stroke-width:3px,color:#1f2328');
  out.push('  classDef neutral fill:#f6f8fa,stroke:#59636e,color:#1f2328');
  for (const tone of ['good', 'warn', 'bad', 'neutral'] as const) {
    const ids = all.filter((n) => n.tone === tone).map((n) => n.id);
    if (ids.length) out.push(`  class ${ids.join(',')} ${tone}`);
  }
  return out.join('\n') + '\n';
}
