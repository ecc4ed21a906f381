// A deliberately small XML 1.0 reader for tests: enough to prove the JUnit output is well formed
// (legal characters, valid entities, quoted attributes, balanced tags, one root) and to query it.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

// eslint-disable-next-line no-control-regex
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NAME = /^[A-Za-z_][\w.-]*/;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;

function decode(raw: string, where: string): string {
  for (let i = raw.indexOf('&'); i !== -1; i = raw.indexOf('&', i + 1)) {
    ENTITY.lastIndex = i;
    if (!ENTITY.test(raw)) throw new Error(`bad entity in ${where}: ${raw.slice(i, i + 12)}`);
  }
  return raw
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

export function parseXml(xml: string): XmlElement {
  const bad = ILLEGAL.exec(xml);
  if (bad) throw new Error(`illegal XML character U+${bad[0].charCodeAt(0).toString(16)} at ${bad.index}`);
  let pos = 0;
  if (xml.startsWith('<?xml')) pos = xml.indexOf('?>') + 2;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const text = xml.slice(pos, lt === -1 ? xml.length : lt);
    if (text.includes('>')) throw new Error(`raw ">" in text at ${pos}`);
    if (stack.length > 0) stack[stack.length - 1]!.text += decode(text, 'text');
    else if (text.trim() !== '') throw new Error(`text outside the root at ${pos}`);
    if (lt === -1) break;
    const gt = xml.indexOf('>', lt);
    if (gt === -1) throw new Error(`unterminated tag at ${lt}`);
    const tag = xml.slice(lt + 1, gt);
    pos = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (!open || open.name !== tag.slice(1).trim()) throw new Error(`</${tag.slice(1)}> closes <${open?.name}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const name = NAME.exec(body)?.[0];
    if (!name) throw new Error(`bad tag name at ${lt}: ${body.slice(0, 20)}`);
    const element: XmlElement = { name, attrs: {}, children: [], text: '' };
    const rest = body.slice(name.length);
    const attrRe = /\s+([A-Za-z_][\w.:-]*)="([^"<]*)"/gy;
    let consumed = 0;
    for (let m = attrRe.exec(rest); m; m = attrRe.exec(rest)) {
      if (m[1]! in element.attrs) throw new Error(`duplicate attribute ${m[1]}`);
      element.attrs[m[1]!] = decode(m[2]!, `attribute ${m[1]}`);
      consumed = attrRe.lastIndex;
    }
    if (rest.slice(consumed).trim() !== '') throw new Error(`bad attributes in <${name}>: ${rest.slice(consumed, consumed + 30)}`);
    if (stack.length > 0) stack[stack.length - 1]!.children.push(element);
    else if (root) throw new Error('more than one root element');
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

export function findAll(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  for (const child of element.children) {
    if (child.name === name) found.push(child);
    found.push(...findAll(child, name));
  }
  return found;
}
