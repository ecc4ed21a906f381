// Tokenizer and recursive-descent parser for the RFC 7644 §3.4.2.2 filter grammar and the §3.5.2 PATCH
// path grammar. Precedence: `not` binds tighter than `and`, which binds tighter than `or`; keywords and
// operators are case-insensitive. Depth and length are bounded so hostile input cannot exhaust the stack.
import { FilterSyntaxError, type AttrPath, type CompareOperator, type CompareValue, type Filter, type PatchPath } from './ast.ts';

const MAX_LENGTH = 20_000;
const MAX_DEPTH = 64;
const OPERATORS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

type Token =
  | { t: 'word'; v: string; at: number }
  | { t: 'string'; v: string; at: number }
  | { t: 'number'; v: number; at: number }
  | { t: '(' | ')' | '[' | ']'; at: number }
  /** `.name` directly after `]` */
  | { t: 'sub'; v: string; at: number };

const WORD_CHAR = /[A-Za-z0-9:._$\-]/;
const NAME = /^\$?[A-Za-z][A-Za-z0-9_\-]*$|^\$ref$/;
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

function tokenize(input: string): Token[] {
  if (input.length > MAX_LENGTH) throw new FilterSyntaxError(`filter is longer than ${MAX_LENGTH} characters`);
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === '[' || ch === ']') {
      tokens.push({ t: ch, at: i });
      i++;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      while (j < input.length && input[j] !== '"') j += input[j] === '\\' ? 2 : 1;
      if (j >= input.length) throw new FilterSyntaxError(`unterminated string at position ${i + 1}`);
      const raw = input.slice(i, j + 1);
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        throw new FilterSyntaxError(`invalid string ${raw.slice(0, 40)} at position ${i + 1}`);
      }
      tokens.push({ t: 'string', v: value as string, at: i });
      i = j + 1;
      continue;
    }
    if (ch === '.' && tokens.at(-1)?.t === ']') {
      let j = i + 1;
      while (j < input.length && WORD_CHAR.test(input[j]!) && input[j] !== '.') j++;
      const name = input.slice(i + 1, j);
      if (!NAME.test(name)) throw new FilterSyntaxError(`invalid sub-attribute after ']' at position ${i + 1}`);
      tokens.push({ t: 'sub', v: name, at: i });
      i = j;
      continue;
    }
    if (WORD_CHAR.test(ch) || ch === '+') {
      let j = i;
      while (j < input.length && (WORD_CHAR.test(input[j]!) || input[j] === '+')) j++;
      const word = input.slice(i, j);
      if (NUMBER.test(word)) tokens.push({ t: 'number', v: Number(word), at: i });
      else tokens.push({ t: 'word', v: word, at: i });
      i = j;
      continue;
    }
    throw new FilterSyntaxError(`unexpected character '${ch}' at position ${i + 1}`);
  }
  return tokens;
}

/** Splits `urn:…:User:name.sub` into its parts; throws on anything that is not an attribute path. */
export function parseAttrPath(text: string): AttrPath {
  let uri: string | undefined;
  let rest = text;
  const colon = text.lastIndexOf(':');
  if (colon >= 0) {
    uri = text.slice(0, colon);
    rest = text.slice(colon + 1);
    if (!/^urn:/i.test(uri)) throw new FilterSyntaxError(`'${text}' is not an attribute path`);
  }
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((p) => NAME.test(p))) throw new FilterSyntaxError(`'${text}' is not an attribute path`);
  const path: AttrPath = { name: parts[0]!, text };
  if (uri !== undefined) path.uri = uri;
  if (parts[1] !== undefined) path.sub = parts[1];
  return path;
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[], private readonly source: string) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(): Token | undefined {
    return this.tokens[this.pos++];
  }

  private fail(message: string): never {
    throw new FilterSyntaxError(message);
  }

  private where(token: Token | undefined): string {
    return token ? `at position ${token.at + 1}` : 'at the end of the filter';
  }

  private isKeyword(token: Token | undefined, keyword: string): boolean {
    return token?.t === 'word' && token.v.toLowerCase() === keyword;
  }

  done(): boolean {
    return this.pos >= this.tokens.length;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token) this.fail(`unexpected ${describe(token)} ${this.where(token)}`);
  }

  /** FILTER with `or` at the lowest precedence. `inBrackets` forbids nested value paths. */
  parseOr(inBrackets: boolean): Filter {
    this.enter();
    let left = this.parseAnd(inBrackets);
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd(inBrackets) };
    }
    this.depth--;
    return left;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`filter nests deeper than ${MAX_DEPTH} levels`);
  }

  private parseAnd(inBrackets: boolean): Filter {
    let left = this.parseUnary(inBrackets);
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.parseUnary(inBrackets) };
    }
    return left;
  }

  private parseUnary(inBrackets: boolean): Filter {
    const token = this.peek();
    if (this.isKeyword(token, 'not') && this.tokens[this.pos + 1]?.t === '(') {
      this.next();
      this.enter();
      const inner = this.parseUnary(inBrackets);
      this.depth--;
      return { kind: 'not', filter: inner };
    }
    if (token?.t === '(') {
      this.next();
      const inner = this.parseOr(inBrackets);
      const close = this.next();
      if (close?.t !== ')') this.fail(`expected ')' ${this.where(close)}`);
      return inner;
    }
    return this.parseAttrExp(inBrackets);
  }

  private parseAttrExp(inBrackets: boolean): Filter {
    const token = this.next();
    if (token?.t !== 'word') this.fail(`expected an attribute name ${this.where(token)}`);
    const path = parseAttrPath(token.v);
    if (this.peek()?.t === '[') {
      if (inBrackets) this.fail(`value filters cannot be nested (${this.where(this.peek())})`);
      if (path.sub !== undefined) this.fail(`'${path.text}[' — a value filter must follow a multi-valued attribute`);
      this.next();
      const inner = this.parseOr(true);
      const close = this.next();
      if (close?.t !== ']') this.fail(`expected ']' ${this.where(close)}`);
      const sub = this.peek();
      if (sub?.t === 'sub') {
        // `emails[type eq "work"].value eq "x"`: the comparison applies to the same element.
        this.next();
        const subPath: AttrPath = { name: sub.v, text: sub.v };
        const comparison = this.parseComparison(subPath);
        return { kind: 'valuePath', path, filter: { kind: 'and', left: inner, right: comparison } };
      }
      return { kind: 'valuePath', path, filter: inner };
    }
    return this.parseComparison(path);
  }

  private parseComparison(path: AttrPath): Filter {
    const opToken = this.next();
    if (opToken?.t !== 'word') this.fail(`expected an operator after '${path.text}' ${this.where(opToken)}`);
    const op = opToken.v.toLowerCase();
    if (op === 'pr') return { kind: 'present', path };
    if (!OPERATORS.has(op)) this.fail(`unknown operator '${opToken.v}' ${this.where(opToken)}`);
    const valueToken = this.next();
    return { kind: 'compare', path, op: op as CompareOperator, value: this.compValue(valueToken) };
  }

  private compValue(token: Token | undefined): CompareValue {
    if (token?.t === 'string' || token?.t === 'number') return token.v;
    if (token?.t === 'word') {
      const word = token.v.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
    }
    return this.fail(`expected a value (a quoted string, number, true, false or null) ${this.where(token)}`);
  }

  parsePatchPath(): PatchPath {
    const token = this.next();
    if (token?.t !== 'word') this.fail(`expected an attribute name ${this.where(token)}`);
    const attr = parseAttrPath(token.v);
    const result: PatchPath = { attr, text: this.source };
    if (this.peek()?.t === '[') {
      if (attr.sub !== undefined) this.fail(`'${attr.text}[' — a value filter must follow a multi-valued attribute`);
      this.next();
      result.filter = this.parseOr(true);
      const close = this.next();
      if (close?.t !== ']') this.fail(`expected ']' ${this.where(close)}`);
      const sub = this.peek();
      if (sub?.t === 'sub') {
        this.next();
        result.subAfterFilter = sub.v;
      }
    }
    this.expectEnd();
    return result;
  }
}

function describe(token: Token): string {
  switch (token.t) {
    case 'word':
      return `'${token.v.slice(0, 40)}'`;
    case 'string':
      return 'string';
    case 'number':
      return `number ${token.v}`;
    case 'sub':
      return `'.${token.v}'`;
    default:
      return `'${token.t}'`;
  }
}

/** Parses a `filter` query parameter; throws FilterSyntaxError with a message fit for `detail`. */
export function parseFilter(input: string): Filter {
  const tokens = tokenize(input);
  if (tokens.length === 0) throw new FilterSyntaxError('the filter is empty');
  const parser = new Parser(tokens, input);
  const filter = parser.parseOr(false);
  parser.expectEnd();
  return filter;
}

/** Parses a PATCH operation `path`. */
export function parsePatchPath(input: string): PatchPath {
  const tokens = tokenize(input);
  if (tokens.length === 0) throw new FilterSyntaxError('the path is empty');
  return new Parser(tokens, input).parsePatchPath();
}
