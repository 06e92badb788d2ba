/**
 * A small, strict XML reader for checking pcx's JUnit output: elements, attributes, text, the five
 * predefined entities. Throws on anything malformed (unclosed or mismatched tags, bad attributes).
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const decode = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);

export function parseXml(src: string): XmlElement {
  let i = 0;
  const s = src.replace(/^\uFEFF/, '');
  const skipWs = () => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  if (s.startsWith('<?xml', i)) {
    const end = s.indexOf('?>', i);
    if (end < 0) throw new Error('unterminated XML declaration');
    i = end + 2;
  }
  skipWs();
  const element = (): XmlElement => {
    if (s[i] !== '<') throw new Error(`expected < at ${i}`);
    i++;
    const nm = /^[A-Za-z_][\w.-]*/.exec(s.slice(i));
    if (!nm) throw new Error(`bad element name at ${i}`);
    const el: XmlElement = { name: nm[0], attrs: {}, children: [], text: '' };
    i += nm[0].length;
    for (;;) {
      skipWs();
      if (s.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (s[i] === '>') {
        i++;
        break;
      }
      const am = /^([A-Za-z_][\w.:-]*)\s*=\s*"([^"<]*)"/.exec(s.slice(i));
      if (!am) throw new Error(`bad attribute in <${el.name}> at ${i}`);
      if (am[1] in el.attrs) throw new Error(`duplicate attribute ${am[1]}`);
      el.attrs[am[1]] = decode(am[2]);
      i += am[0].length;
    }
    for (;;) {
      if (i >= s.length) throw new Error(`unclosed <${el.name}>`);
      if (s.startsWith('</', i)) {
        const close = new RegExp(`^</${el.name}\\s*>`).exec(s.slice(i));
        if (!close) throw new Error(`mismatched closing tag for <${el.name}> at ${i}`);
        i += close[0].length;
        return el;
      }
      if (s[i] === '<') el.children.push(element());
      else {
        const next = s.indexOf('<', i);
        const t = s.slice(i, next < 0 ? s.length : next);
        if (/&(?!(lt|gt|quot|apos|amp);)/.test(t)) throw new Error('bare & in text');
        el.text += decode(t);
        i = next < 0 ? s.length : next;
      }
    }
  };
  const root = element();
  skipWs();
  if (i !== s.length) throw new Error('content after the root element');
  return root;
}
