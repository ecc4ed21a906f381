// Realistic attribute values: the names, emails, phone numbers and dates real directories hold,
// including the ones that break naive servers (accents, apostrophes, quotes, brackets, long strings).
// Generated strings are NFC, printable and trimmed: a server may legitimately normalise whitespace
// or Unicode forms, and the fuzzer must not report that as a defect.
import fc from 'fast-check';
import type { AttributeDefinition } from '../../spec/scim-schemas.ts';

export const GIVEN_NAMES = ['José', 'Zoë', 'Ann', 'ANN', 'Łukasz', 'Søren', 'Ana-María', "O'Neil", 'Chloé', '山田', 'Björk', 'François', 'Ngọc', 'Kåre'];
export const FAMILY_NAMES = ['Müller', 'Núñez', 'Smith', 'smith', "D'Angelo", 'Ørsted', 'García "Gigi"', '[Admin]', 'van der Berg', 'Øye (ext)', 'Schrödinger', 'Đặng'];
export const TITLES = ['Engineer', 'Senior Engineer', 'engineer', 'Directeur Général', 'Sales (EMEA)', 'R&D "Lab"', 'Ops/Infra', 'Chef {de} cuisine', 'Back\\slash'];
export const DEPARTMENTS = ['Sales', 'sales', 'Recherche & Développement', 'IT [core]', 'Finance "FP&A"', 'Ops'];
// Printable only, like every generated string: a tab is whitespace a server may normalise to a
// space, which is no defect (the header above).
const SPECIALS = ['"quoted"', "it's", '[bracket]', '{brace}', '(paren)', 'back\\slash', 'a/b', 'a,b;c', 'pipe|bar', 'emoji 🎉', 'percent %20', 'plus+sign', 'amp&er', 'hash#tag', 'question?', 'línea', '<b>html</b>', 'ﬁ ligature'];

/** Printable text without leading/trailing whitespace, NFC, never empty. */
function tidy(s: string, fallback: string): string {
  const t = s.normalize('NFC').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return t === '' ? fallback : t;
}

/** Free text of every kind a name or title field meets in the wild. */
export function realisticText(options: { maxLength?: number; long?: boolean } = {}): fc.Arbitrary<string> {
  const maxLength = options.maxLength ?? 40;
  const parts: Array<{ weight: number; arbitrary: fc.Arbitrary<string> }> = [
    { weight: 4, arbitrary: fc.constantFrom(...GIVEN_NAMES, ...FAMILY_NAMES, ...TITLES) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...GIVEN_NAMES), fc.constantFrom(...FAMILY_NAMES)).map(([g, f]) => `${g} ${f}`) },
    { weight: 2, arbitrary: fc.constantFrom(...SPECIALS) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.min(maxLength, 12) }).map((s) => tidy(s, 'x')) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength }).map((s) => tidy(s, 'y')) },
  ];
  if (options.long) parts.push({ weight: 1, arbitrary: fc.integer({ min: 200, max: 600 }).map((n) => 'Å'.concat('long-'.repeat(Math.ceil(n / 5))).slice(0, n)) });
  return fc.oneof(...parts);
}

/**
 * A userName body: email-like or free-form, with the characters filters trip over; `email`: only
 * email addresses, for a product that takes no other userName (learned, fuzz/product-rules.ts).
 */
export function userNameStem(options: { email?: boolean } = {}): fc.Arbitrary<string> {
  const emails = fc.tuple(fc.constantFrom(...GIVEN_NAMES), fc.constantFrom('', '.', '+tag', "'", '"q"')).map(([g, s]) => tidy(`${g}${s}@example.com`, 'user@example.com'));
  if (options.email) return emails;
  return fc.oneof(
    { weight: 3, arbitrary: emails },
    { weight: 2, arbitrary: fc.constantFrom(...SPECIALS).map((s) => s.replace(/\s/g, '_')) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).map((s) => tidy(s, 'u').replace(/\s/g, '_')) },
  );
}

const asciiLocal = fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/);

export function emailValue(): fc.Arbitrary<string> {
  return fc.tuple(asciiLocal, fc.constantFrom('', '.ops', "+o'brien", '_x'), fc.constantFrom('example.com', 'example.org', 'sub.example.net')).map(([l, s, d]) => `${l}${s}@${d}`);
}

/** RFC 3966 global numbers, already in the canonical form RFC 7643 §4.1.2 recommends. */
export function phoneValue(): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom('1', '44', '49', '33', '81'), fc.integer({ min: 100, max: 999 }), fc.integer({ min: 1000, max: 9999 })).map(([cc, a, b]) => `tel:+${cc}-555-${a}-${b}`);
}

export function dateTimeValue(): fc.Arbitrary<string> {
  return fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => `${d.toISOString().slice(0, 19)}Z`);
}

export function urlValue(): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom('https://example.com/', 'https://photos.example.org/u/', 'http://example.net/p?x='), asciiLocal).map(([b, p]) => `${b}${p}`);
}

const base64 = fc.uint8Array({ minLength: 1, maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString('base64'));

const POOLS: Record<string, readonly string[]> = {
  preferredlanguage: ['en-US', 'de-DE', 'fr-CA', 'ja'],
  locale: ['en-US', 'de-DE', 'fr-CA', 'pt-BR'],
  timezone: ['America/Los_Angeles', 'Europe/Berlin', 'Asia/Tokyo', 'UTC'],
  usertype: ['Employee', 'Contractor', 'Intern', 'External'],
};

/** A valid value for a simple (non-complex) attribute; `parent` picks realistic content for `emails.value` and friends. */
export function simpleValue(def: AttributeDefinition, parent?: AttributeDefinition): fc.Arbitrary<unknown> {
  const name = def.name.toLowerCase();
  const owner = parent?.name.toLowerCase();
  if (def.canonicalValues && def.canonicalValues.length > 0) return fc.constantFrom(...def.canonicalValues);
  switch (def.type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: -1_000_000, max: 1_000_000 });
    case 'decimal':
      return fc.integer({ min: -100_000, max: 100_000 }).map((n) => n / 100);
    case 'dateTime':
      return dateTimeValue();
    case 'binary':
      return base64;
    case 'reference':
      return urlValue();
    default:
      break;
  }
  if (owner === 'emails' && name === 'value') return emailValue();
  if (owner === 'phonenumbers' && name === 'value') return phoneValue();
  if (owner === 'ims' && name === 'value') return asciiLocal.map((s) => `${s}@chat.example.com`);
  if (POOLS[name]) return fc.constantFrom(...POOLS[name]!);
  if (def.caseExact) return fc.oneof(asciiLocal, realisticText({ maxLength: 20 }));
  return realisticText({ long: owner === undefined });
}

/**
 * Flips the case of letters whose case round-trips (é ↔ É), leaving the rest alone, so the result
 * is equal to the input under any sane case-insensitive comparison.
 */
export function recase(value: string, flips: readonly boolean[]): string {
  let i = 0;
  return [...value]
    .map((ch) => {
      const flip = flips[i++ % Math.max(1, flips.length)] ?? false;
      if (!flip) return ch;
      const upper = ch.toUpperCase();
      const lower = ch.toLowerCase();
      const other = ch === lower ? upper : lower;
      const safe = other.length === ch.length && other.toLowerCase() === lower && other.toUpperCase() === upper && [...other].length === 1;
      return safe ? other : ch;
    })
    .join('');
}

export const caseFlips = (): fc.Arbitrary<boolean[]> => fc.array(fc.boolean(), { minLength: 1, maxLength: 8 });
