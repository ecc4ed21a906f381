// Entra's attribute-mapping expression syntax ("Reference for writing expressions for attribute
// mappings"): function calls `Name(arg, …)`, attributes in brackets `[givenName]`, string constants
// in double quotes with backslash escapes, numbers, an empty argument (`Switch([x], , "a", "b")`)
// and the comparisons IIF and CBool accept (`[country]="USA"`, `<>`, `>`, `>=`, `<`, `<=`).
//
// Hand-written rather than a parser library: the grammar has five productions, and the ready-made
// expression parsers get it wrong (jsep reads `[Facsimile-TelephoneNumber]` as an array holding a
// subtraction and rejects empty arguments; peggy/ohm would add a grammar build step for a language
// this small). Every error names the position and what was expected.

export type ExpressionNode =
  | { kind: 'call'; name: string; args: (ExpressionNode | null)[]; at: number }
  | { kind: 'attribute'; name: string; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'name'; name: string; at: number }
  | { kind: 'compare'; op: CompareOp; left: ExpressionNode; right: ExpressionNode; at: number };

export type CompareOp = '=' | '<>' | '>' | '>=' | '<' | '<=';

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(position === undefined ? message : `${message} (at character ${position + 1})`);
    this.name = 'ExpressionError';
  }
}

/** Entra's documented limit on an expression's length. */
export const MAX_EXPRESSION_LENGTH = 10_000;

/** VBA and Excel join text with & or +; Entra's expressions have no operator for it. */
const concatenationHint = (ch: string): string => (ch === '&' || ch === '+' ? `: Entra's expressions have no ${ch} operator; join values with Join("", …) or Append(…)` : '');

class Parser {
  private i = 0;
  constructor(private readonly text: string) {}

  parse(): ExpressionNode {
    this.space();
    const node = this.comparison();
    this.space();
    if (this.i < this.text.length) this.fail(`unexpected "${this.text[this.i]}" after the end of the expression${concatenationHint(this.text[this.i]!)}`);
    return node;
  }

  private fail(message: string, at = this.i): never {
    throw new ExpressionError(message, at);
  }

  private space(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
  }

  private comparison(): ExpressionNode {
    const left = this.value();
    this.space();
    const op = /^(<>|>=|<=|=|>|<)/.exec(this.text.slice(this.i))?.[1] as CompareOp | undefined;
    if (!op) return left;
    const at = this.i;
    this.i += op.length;
    this.space();
    const right = this.value();
    return { kind: 'compare', op, left, right, at };
  }

  private value(): ExpressionNode {
    this.space();
    const at = this.i;
    const ch = this.text[this.i];
    if (ch === undefined) this.fail('the expression ends where a value was expected');
    if (ch === '[') {
      const close = this.text.indexOf(']', this.i + 1);
      // No attribute name holds a bracket, a quote, a comma, a parenthesis or a line break: one that
      // runs into them lacks its "]" ([givenName, [surname] would otherwise read as one name).
      const stray = /[[\]",()\n]/.exec(this.text.slice(this.i + 1));
      if (stray && stray[0] !== ']') {
        const name = this.text.slice(this.i, this.i + 1 + stray.index).trimEnd();
        this.fail(`the attribute name ${name} is never closed with "]" (it runs into ${JSON.stringify(stray[0])} at character ${this.i + 2 + stray.index})`);
      }
      if (close < 0) this.fail('an attribute name opened with "[" is never closed with "]"');
      const name = this.text.slice(this.i + 1, close).trim();
      if (name === '') this.fail('empty attribute name "[]"');
      this.i = close + 1;
      return { kind: 'attribute', name, at };
    }
    if (ch === '"') return { kind: 'string', value: this.string(), at };
    if (/[-0-9]/.test(ch) || (ch === '&' && /^&H[0-9a-f]+/i.test(this.text.slice(this.i)))) {
      const m = /^(-?\d+(?:\.\d+)?|&H[0-9a-f]+)/i.exec(this.text.slice(this.i));
      if (!m) this.fail(`"${ch}" does not start a number`);
      this.i += m[1]!.length;
      const value = m[1]!.startsWith('&') ? parseInt(m[1]!.slice(2), 16) : Number(m[1]);
      return { kind: 'number', value, at };
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.i))?.[0];
    if (!word) this.fail(`unexpected "${ch}": expected a function, an [attribute], a "string" or a number`);
    this.i += word.length;
    this.space();
    if (this.text[this.i] !== '(') return { kind: 'name', name: word, at };
    this.i++;
    const args: (ExpressionNode | null)[] = [];
    this.space();
    if (this.text[this.i] === ')') {
      this.i++;
      return { kind: 'call', name: word, args, at };
    }
    for (;;) {
      this.space();
      const c = this.text[this.i];
      // An empty argument: Switch([x], , "a", "b") leaves the default out.
      args.push(c === ',' || c === ')' ? null : this.comparison());
      this.space();
      const sep = this.text[this.i];
      if (sep === ',') {
        this.i++;
        continue;
      }
      if (sep === ')') {
        this.i++;
        return { kind: 'call', name: word, args, at };
      }
      if (sep === undefined) this.fail(`${word}( is never closed: expected "," or ")"`, at);
      this.fail(`expected "," or ")" in the arguments of ${word}, found "${sep}"${concatenationHint(sep)}`);
    }
  }

  private string(): string {
    const start = this.i;
    this.i++;
    let out = '';
    while (this.i < this.text.length) {
      const ch = this.text[this.i]!;
      if (ch === '\\') {
        const next = this.text[this.i + 1];
        if (next === undefined) break;
        out += next;
        this.i += 2;
        continue;
      }
      if (ch === '"') {
        this.i++;
        return out;
      }
      out += ch;
      this.i++;
    }
    return this.fail('a string constant is never closed with a double quote', start);
  }
}

export function parseExpression(text: string): ExpressionNode {
  if (text.length > MAX_EXPRESSION_LENGTH) throw new ExpressionError(`the expression is ${text.length} characters long; Entra allows at most ${MAX_EXPRESSION_LENGTH}`);
  if (text.trim() === '') throw new ExpressionError('the expression is empty');
  return new Parser(text).parse();
}

/** Every attribute an expression reads (for validation against the directory's attributes). */
export function attributesOf(node: ExpressionNode | null, out: ExpressionNode[] = []): ExpressionNode[] {
  if (!node) return out;
  if (node.kind === 'attribute') out.push(node);
  else if (node.kind === 'call') for (const a of node.args) attributesOf(a, out);
  else if (node.kind === 'compare') {
    attributesOf(node.left, out);
    attributesOf(node.right, out);
  }
  return out;
}
