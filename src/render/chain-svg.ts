/**
 * The chain as an inline SVG picture (no script, no external resource): the trunk top to bottom, a weighted split
 * as side-by-side branches with their share on the edge, the verdict last; the failing hop in the verdict's colour.
 * Long names are cut with an ellipsis and given whole in a <title> (a tooltip in browsers).
 */
import type { ChainGraph, GraphNode, NodeTone } from './chain-graph.js';
import { percentText } from '../text/percent.js';

const W = 300; // node width
const H = 58; // node height
const GAP = 26; // vertical gap between nodes
const COL = W + 30; // branch column width
const PAD = 10;

const COLOURS: Record<NodeTone, { fill: string; stroke: string; text: string }> = {
  good: { fill: '#dafbe1', stroke: '#1a7f37', text: '#1f2328' },
  warn: { fill: '#fff8c5', stroke: '#9a6700', text: '#1f2328' },
  bad: { fill: '#ffebe9', stroke: '#cf222e', text: '#1f2328' },
  neutral: { fill: '#f6f8fa', stroke: '#59636e', text: '#1f2328' },
};

/** XML text and attribute values. */
function x(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function cut(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : chars.slice(0, n - 1).join('') + '…';
}

function box(node: GraphNode, left: number, top: number, width = W): string {
  const c = COLOURS[node.tone];
  // characters that fit: monospace 12 px is ~7.3 px a character; the 11 px proportional note ~6 px
  const fitMono = Math.floor((width - 16) / 7.4);
  const fitNote = Math.floor((width - 16) / 6.2);
  const line2 = node.note
    ? `<text x="${left + 8}" y="${top + 48}" font-size="11" fill="#59636e">${x(cut(node.note, fitNote))}</text>`
    : '';
  return (
    `<g class="hop ${node.tone}" data-kind="${x(node.kind)}"><title>${x(`${node.kind}: ${node.title}${node.note ? ` (${node.note})` : ''}`)}</title>` +
    `<rect x="${left}" y="${top}" width="${width}" height="${H}" rx="6" fill="${c.fill}" stroke="${c.stroke}" stroke-width="${node.tone === 'bad' ? 2.5 : 1.2}"/>` +
    `<text x="${left + 8}" y="${top + 15}" font-size="10.5" fill="#59636e" font-weight="600">${x(node.kind.toUpperCase())}</text>` +
    `<text x="${left + 8}" y="${top + 32}" font-size="12" font-family="ui-monospace, Menlo, Consolas, monospace" fill="${c.text}">${x(cut(node.title, fitMono))}</text>${line2}</g>`
  );
}

function edge(x1: number, y1: number, x2: number, y2: number, label?: string): string {
  const mid = (y1 + y2) / 2;
  // the arrowhead is drawn, not a marker: a marker needs url(#…), and the report allows no url() at all
  const head = `<path d="M${x2 - 4},${y2 - 7} L${x2},${y2} L${x2 + 4},${y2 - 7} z" fill="#59636e"/>`;
  const path = `<path d="M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2 - 6}" fill="none" stroke="#59636e" stroke-width="1.2"/>${head}`;
  return label
    ? path + `<text x="${x2 + 6}" y="${y2 - 8}" font-size="11" font-weight="600" fill="#0969da">${x(label)}</text>`
    : path;
}

export function renderChainSvg(g: ChainGraph): string {
  const cols = Math.max(1, g.branches.length);
  const width = Math.max(W, cols * COL - 30, 440) + 2 * PAD; // room for a wide verdict box under a single column
  const centre = width / 2;
  const parts: string[] = [];
  let y = PAD;
  let prev: { x: number; y: number } | undefined;
  for (const n of g.trunk) {
    if (prev) parts.push(edge(prev.x, prev.y, centre, y));
    parts.push(box(n, centre - W / 2, y));
    prev = { x: centre, y: y + H };
    y += H + GAP;
  }
  const branchTop = y + (g.branches.length > 1 ? 10 : 0);
  let bottom = y;
  const ends: { x: number; y: number }[] = [];
  g.branches.forEach((b, i) => {
    const cx = PAD + (width - 2 * PAD - cols * COL + 30) / 2 + i * COL + W / 2;
    let by = branchTop;
    let from = prev;
    b.nodes.forEach((n, j) => {
      if (from)
        parts.push(edge(from.x, from.y, cx, by, j === 0 && g.branches.length > 1 ? percentText(b.weight) : undefined));
      parts.push(box(n, cx - W / 2, by));
      from = { x: cx, y: by + H };
      by += H + GAP;
    });
    if (from) ends.push(from);
    bottom = Math.max(bottom, by);
  });
  if (!ends.length && prev) ends.push(prev);
  const vy = bottom + (g.branches.length ? 0 : 0);
  const vw = Math.min(width - 2 * PAD, Math.max(W, 420));
  for (const e of ends) parts.push(edge(e.x, e.y, centre, vy));
  parts.push(box(g.verdict, centre - vw / 2, vy, vw));
  const height = vy + H + PAD;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chain" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${x(`the request's path: ${g.verdict.title}`)}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif">` +
    parts.join('') +
    '</svg>\n'
  );
}
