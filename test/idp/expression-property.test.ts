// Property-based tests of Entra's expression language (fast-check): a well-formed expression built
// from every function scimproof evaluates, nested, over attributes that are absent, empty, unicode,
// numeric, dates or lists, never crashes the evaluator: it loads or is refused with one
// ExpressionError, and for each user it gives a value the IdP can send (a string, a list, nothing)
// or fails that user with one ExpressionError line. A malformed one (a character dropped, added or
// cut off) is refused with one line, never a stack trace or a TypeError.
// Budget: EXPRESSION_PROPERTY_RUNS (default a small fixed one) and EXPRESSION_PROPERTY_SEED.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpression, evaluateExpression, EXPRESSION_FUNCTIONS, ExpressionError, type CompiledExpression } from '../../src/idp/expression.ts';

const RUNS = Number(process.env.EXPRESSION_PROPERTY_RUNS ?? 300);
const SEED = Number(process.env.EXPRESSION_PROPERTY_SEED ?? 20261129);

const ATTRIBUTES = ['givenName', 'surname', 'department', 'employeeHireDate', 'employeeId', 'proxyAddresses', 'extensionAttribute1', 'IsSoftDeleted'];

/** A string constant as the page writes one: quotes and backslashes escaped. */
const quoted = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

const constant = fc.oneof(
  fc.string({ maxLength: 12 }).map(quoted),
  fc.constantFrom('" "', '","', '""', '"yyyy-MM-dd"', '"yyyy-MM-ddTHH:mm:ssZ"', '"M/d/yyyy h:mm:ss tt"', '"d"', '"yyyy"', '"ww"', '"[a-z]+"', '"(?<x>\\\\d+)"', '"x"', '"tr-TR"', '"2021-08-18+08:00"', '"True"', '"False"', 'vbTextCompare', '&HF7'),
  fc.integer({ min: -3, max: 400_000 }).map(String),
);
const attribute = fc.constantFrom(...ATTRIBUTES).map((a) => `[${a}]`);
const names = Object.keys(EXPRESSION_FUNCTIONS);

const tree = fc.letrec<{ expression: string; call: string; argument: string }>((tie) => ({
  expression: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('call'), tie('call'), attribute),
  argument: fc.oneof({ depthSize: 'small' }, attribute, constant, tie('call'), fc.constant(''), fc.tuple(attribute, fc.constantFrom('=', '<>', '>', '<='), constant).map(([a, op, c]) => `${a}${op}${c}`)),
  call: fc.constantFrom(...names).chain((name) => {
    const { min, max } = EXPRESSION_FUNCTIONS[name]!;
    const count = fc.integer({ min, max: Math.min(max, min + 3) }).map((n) => (name === 'Switch' && n % 2 === 1 ? n + 1 : n));
    return count.chain((n) => fc.array(tie('argument'), { minLength: n, maxLength: n })).map((args) => `${name}(${args.join(', ')})`);
  }),
}));
const expression = tree.expression;

const value = fc.oneof(
  fc.constant(undefined),
  fc.constant(''),
  fc.string({ maxLength: 10 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom('Zoë', 'İLKAY', 'ø', '2019-09-02', '2019-09-02T08:00:00Z', '3/16/2020 7:00:00 AM', '129699324000000000', '514', '-1', '0', 'True', 'False', '  '),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
);
const user = fc.record(Object.fromEntries(ATTRIBUTES.map((a) => [a, value])) as Record<string, typeof value>);

function compiled(text: string): CompiledExpression | undefined {
  try {
    return compileExpression(text);
  } catch (error) {
    expect(error, text).toBeInstanceOf(ExpressionError);
    expect((error as Error).message, text).not.toContain('\n');
    return undefined;
  }
}

describe('the expression evaluator (property)', () => {
  it('a well-formed expression loads or is refused with one line, and gives each user a value or one ExpressionError', () => {
    fc.assert(
      fc.property(expression, fc.array(user, { minLength: 1, maxLength: 3 }), (text, users) => {
        const c = compiled(text);
        if (!c) return;
        for (const u of users) {
          let result: unknown;
          try {
            result = evaluateExpression(c, (name) => u[name] as string | string[] | undefined);
          } catch (error) {
            expect(error, `${text} over ${JSON.stringify(u)}`).toBeInstanceOf(ExpressionError);
            expect((error as Error).message).not.toContain('\n');
            continue;
          }
          const ok = result === null || (typeof result === 'string' && result !== '' && !/NaN|undefined|\[object /.test(result)) || (Array.isArray(result) && result.every((v) => typeof v === 'string'));
          expect(ok, `${text} over ${JSON.stringify(u)} gave ${JSON.stringify(result)}`).toBe(true);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('a malformed expression (a character dropped, added, or the end cut off) is refused with one line, or is still a valid one', () => {
    const mutated = fc.tuple(expression, fc.nat(), fc.constantFrom('drop', 'add', 'cut'), fc.constantFrom('(', ')', '[', ']', '"', ',', '\\', '=', 'x', ' ')).map(([text, at, how, ch]) => {
      const i = at % (text.length + 1);
      return how === 'drop' ? text.slice(0, i) + text.slice(i + 1) : how === 'add' ? text.slice(0, i) + ch + text.slice(i) : text.slice(0, i);
    });
    fc.assert(
      fc.property(mutated, (text) => {
        const c = compiled(text);
        if (c) expect(() => evaluateExpression(c, () => undefined)).not.toThrow(TypeError);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
