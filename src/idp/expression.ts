// Evaluates Entra attribute-mapping expressions over one directory user. The documented subset
// scimproof evaluates is EXPRESSION_FUNCTIONS (the date functions in expression-dates.ts; the app
// role expressions mapped to roles, always a whole expression, in mapping.ts). The rest of Entra's
// list is refused when the directory file is loaded, by name, with the supported list:
// SelectUniqueValue (Active Directory targets only). Now and RandomString are evaluated on the
// cycle's clock and a seeded random (the same cycle replayed sends the same values); a mapping
// that uses them is "volatile": its value alone never makes a user look changed (mapping.ts).
//
// Null follows Entra: an absent or empty attribute is null; Join skips null and empty values;
// Coalesce returns the first non-null one; a null final result means the attribute is not sent
// (Entra never sends nulls).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { dotnetRegex } from './dotnet-regex.ts';
import { DATE_FUNCTIONS, entraDate, formatTokens } from './expression-dates.ts';
import { attributesOf, ExpressionError, parseExpression, type CompareOp, type ExpressionNode } from './expression-parse.ts';

export type ExpressionValue = string | string[] | number | boolean | null;

/** Reads a source attribute; undefined when the user has no value. */
export type AttributeLookup = (name: string) => string | string[] | number | boolean | undefined;

/** What a function may need beyond its arguments: where it stands, the seed of Guid() and RandomString(), and the clock of Now(). */
interface CallContext {
  at: number;
  seed: string | undefined;
  now: number | undefined;
}

/** The functions whose value changes from one evaluation to the next (the clock, a random draw). */
export const VOLATILE_FUNCTIONS: ReadonlySet<string> = new Set(['Now', 'RandomString']);

/**
 * RandomString's character classes: Windows' password complexity reference, which Learn's
 * RandomString links to ("Characters allowed can be identified here"): digits, upper- and
 * lower-case Latin letters, and its non-alphanumeric characters.
 */
const RANDOM_CLASSES = {
  numbers: '0123456789',
  special: '~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/',
  capital: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lower: 'abcdefghijklmnopqrstuvwxyz',
};

/** Uniform draws from a seed (SHA-256 in counter mode): the same seed gives the same string. */
function drawer(seed: string | undefined): (n: number) => number {
  let block = 0;
  let pool: Buffer = Buffer.alloc(0);
  return (n) => {
    // Rejection sampling on 32-bit words keeps every character equally likely.
    const limit = Math.floor(0x1_0000_0000 / n) * n;
    for (;;) {
      if (pool.length < 4) {
        pool = seed === undefined ? randomBytes(64) : createHash('sha256').update(`${seed}#${block++}`).digest();
      }
      const word = pool.readUInt32BE(0);
      pool = pool.subarray(4);
      if (word < limit) return word % n;
    }
  };
}

function randomString(args: ExpressionValue[], call: CallContext): string {
  const [length, numbers, special, capital, lower] = (['Length', 'MinimumNumbers', 'MinimumSpecialCharacters', 'MinimumCapital', 'MinimumLowerCase'] as const).map((name, i) => {
    const n = integer(args[i] ?? null, 'RandomString', name);
    if (n < 0) throw new ExpressionError(`RandomString: ${name} cannot be negative, got ${n}`);
    return n;
  }) as [number, number, number, number, number];
  checkRandomLengths(length, numbers + special + capital + lower);
  const avoid = new Set(text(args[5] ?? null) ?? '');
  const allowed = (chars: string): string => [...chars].filter((c) => !avoid.has(c)).join('');
  const classes = { numbers: allowed(RANDOM_CLASSES.numbers), special: allowed(RANDOM_CLASSES.special), capital: allowed(RANDOM_CLASSES.capital), lower: allowed(RANDOM_CLASSES.lower) };
  const wanted: [string, number][] = [[classes.numbers, numbers], [classes.special, special], [classes.capital, capital], [classes.lower, lower]];
  if (wanted.some(([chars, n]) => n > 0 && chars === '')) throw new ExpressionError('RandomString: CharactersToAvoid leaves no character for a class it asks a minimum of');
  const all = classes.numbers + classes.special + classes.capital + classes.lower;
  if (all === '') throw new ExpressionError('RandomString: CharactersToAvoid leaves no character to draw from');
  // Seeded by the user, the mapping, the place in the expression and the cycle's clock: a new
  // string whenever Entra would evaluate the mapping again, the same one when a cycle is replayed.
  const draw = drawer(call.seed === undefined ? undefined : `${call.seed}|${call.at}|${call.now ?? ''}`);
  const out: string[] = [];
  for (const [chars, n] of wanted) for (let i = 0; i < n; i++) out.push(chars[draw(chars.length)]!);
  while (out.length < length) out.push(all[draw(all.length)]!);
  for (let i = out.length - 1; i > 0; i--) {
    const j = draw(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out.join('');
}

/** Learn: Length is at least the minimums together, and at most 256. */
function checkRandomLengths(length: number, minimums: number, at?: number): void {
  if (length > 256) throw new ExpressionError(`RandomString: Length is at most 256 characters, got ${length}`, at);
  if (length < minimums) throw new ExpressionError(`RandomString: Length (${length}) must be at least the minimums together (${minimums})`, at);
}

interface FunctionSpec {
  min: number;
  max: number;
  run(args: ExpressionValue[], raw: (ExpressionNode | null)[], call: CallContext): ExpressionValue;
}

/**
 * Guid() for one user's mapping: a version-4-shaped GUID drawn from the seed (the user and the
 * target), the same every cycle. Entra evaluates a user again only when the user changes
 * (incremental cycles), so the app keeps the GUID it was sent; a new random one on every
 * evaluation sent a PATCH to every user every cycle, and an escrowed or skipped user looked changed.
 */
function seededGuid(seed: string): string {
  const b = createHash('sha256').update(seed).digest();
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const isEmpty = (v: ExpressionValue): boolean => v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** Entra renders booleans the .NET way. */
function text(v: ExpressionValue): string | null {
  if (v === null) return null;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

function integer(v: ExpressionValue, fn: string, name: string): number {
  const n = typeof v === 'number' ? v : Number(text(v));
  if (!Number.isInteger(n)) throw new ExpressionError(`${fn}: ${name} must be a whole number, got ${JSON.stringify(v)}`);
  return n;
}

function truthy(v: ExpressionValue): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  const t = text(v);
  if (t === null) return false;
  if (/^true$/i.test(t)) return true;
  if (/^false$/i.test(t)) return false;
  const n = Number(t);
  return Number.isFinite(n) ? n !== 0 : t !== '';
}

const mapText = (v: ExpressionValue, f: (s: string) => string): ExpressionValue => (v === null ? null : Array.isArray(v) ? v.map(f) : f(text(v)!));

// NormalizeDiacritics: Unicode decomposition drops the combining marks; the letters Entra's table
// maps that do not decompose are listed (Microsoft's table in "Reference for writing expressions
// for attribute mappings": ø → oe, æ → ae, ß → ss, ł → l; test/idp/normalize-diacritics.test.ts
// holds every row of it).
const EXTRA_LETTERS: Record<string, string> = { æ: 'ae', Æ: 'AE', ǣ: 'ae', Ǣ: 'AE', ø: 'oe', Ø: 'OE', œ: 'oe', Œ: 'OE', ß: 'ss', ł: 'l', Ł: 'L', ı: 'i', đ: 'd', Đ: 'D' };
const normalizeDiacritics = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{Mn}+/gu, '')
    .replace(/[æÆǣǢøØœŒßłŁıđĐ]/g, (c) => EXTRA_LETTERS[c] ?? c);

/**
 * ToLower's and ToUpper's optional culture (RFC 4646, "tr-TR"): Entra lowers and uppers by its
 * rules (Turkish "İ" → "i", "i" → "İ"); without one, the invariant culture's.
 */
function cultureOf(culture: ExpressionValue | undefined, fn: string): string | undefined {
  const name = culture === undefined || culture === null ? '' : text(culture)!;
  if (name === '') return undefined;
  try {
    return Intl.getCanonicalLocales(name)[0];
  } catch {
    throw new ExpressionError(`${fn}: culture ${JSON.stringify(name)} is not a culture name (RFC 4646: "tr-TR", "en-US")`);
  }
}

/**
 * .NET changes case one character at a time (its strings keep their length): "ß" stays "ß" in
 * upper case, "İ" lowers to "i". JavaScript applies Unicode's full mappings ("WEISS", "i̇" with a
 * combining dot) and Greek's final sigma; each character is changed alone here, and one whose full
 * mapping is several characters keeps its simple one.
 */
const SIMPLE_LOWER: Record<string, string> = { 'İ': 'i' };
function byCharacter(s: string, change: (ch: string) => string, simple: Record<string, string> = {}): string {
  let out = '';
  for (const ch of s) {
    const changed = change(ch);
    out += changed.length === ch.length || [...changed].length === 1 ? changed : (simple[ch] ?? ch);
  }
  return out;
}
const lowerCase = (s: string, culture?: string): string => byCharacter(s, (ch) => (culture ? ch.toLocaleLowerCase(culture) : ch.toLowerCase()), SIMPLE_LOWER);
const upperCase = (s: string, culture?: string): string => byCharacter(s, (ch) => (culture ? ch.toLocaleUpperCase(culture) : ch.toUpperCase()));

/**
 * ToLower / ToUpper: `change` with the culture when one is given; without one the invariant
 * culture's rules, never the machine's own locale (a Turkish laptop's "I" → "ı").
 */
function caseChange(fn: string, change: (s: string, culture: string | undefined) => string): FunctionSpec {
  return {
    min: 1,
    max: 2,
    run: ([v, culture]) => {
      const c = cultureOf(culture, fn);
      return mapText(v!, (s) => change(s, c));
    },
  };
}

/** .NET `${name}` group references become JavaScript's `$<name>`. */
const jsReplacement = (s: string): string => s.replace(/\$\{(\w+)\}/g, '$<$1>');

/** Replace's pattern, read as .NET reads it (inline options, Unicode categories: dotnet-regex.ts). */
function regex(pattern: string, fn: string): RegExp {
  try {
    return dotnetRegex(pattern, 'g');
  } catch (error) {
    throw new ExpressionError(`${fn}: not a valid regular expression ${JSON.stringify(pattern)} (${(error as Error).message})`);
  }
}

function replace(args: ExpressionValue[]): ExpressionValue {
  const [source, oldValue, regexPattern, regexGroupName, replacementValue, replacementAttribute, template] = args.map((a) => (a === null ? null : text(a)));
  if (oldValue !== null && oldValue !== undefined && template !== null && template !== undefined) {
    return source === null || source === undefined ? null : template.split(oldValue).join(source);
  }
  if (oldValue !== null && oldValue !== undefined) {
    if (source === null || source === undefined) return null;
    return source.split(oldValue).join(replacementValue ?? '');
  }
  if (regexPattern !== null && regexPattern !== undefined) {
    const re = regex(regexPattern, 'Replace');
    if (regexGroupName && replacementAttribute !== undefined && replacementAttribute !== null && replacementValue == null) {
      if (source) return source;
      const m = new RegExp(re.source, re.flags.replace('g', '')).exec(replacementAttribute);
      return m?.groups?.[regexGroupName] ?? null;
    }
    if (source === null || source === undefined) return null;
    if (regexGroupName) {
      return source.replace(re, (...m) => {
        const groups = m.at(-1) as Record<string, string> | undefined;
        const whole = m[0] as string;
        const group = groups?.[regexGroupName];
        return group === undefined ? whole : whole.replace(group, replacementValue ?? '');
      });
    }
    return source.replace(re, jsReplacement(replacementValue ?? ''));
  }
  return source ?? null;
}

function pcase(source: string, separators: string | null): string {
  if (separators) {
    let upper = true;
    let out = '';
    for (const ch of source) {
      out += upper ? upperCase(ch) : lowerCase(ch);
      upper = separators.includes(ch);
    }
    return out;
  }
  // .NET's ToTitleCase: a letter after a letter, a digit, a combining mark (the accent of a
  // decomposed "i\u0301") or an apostrophe continues its word ("D'ythaq", Microsoft's own example).
  return lowerCase(source).replace(/(^|[^\p{L}\p{N}\p{M}'])(\p{L})/gu, (_m, sep: string, letter: string) => sep + upperCase(letter));
}

export const EXPRESSION_FUNCTIONS: Record<string, FunctionSpec> = {
  ...DATE_FUNCTIONS,
  Append: { min: 2, max: 2, run: ([s, suffix]) => (s === null ? null : `${text(s)}${text(suffix) ?? ''}`) },
  // Whole numbers of any size (an Active Directory flag word, &H hexadecimal constants): BigInt, as
  // JavaScript's own & cuts both sides to 32 bits.
  BitAnd: {
    min: 2,
    max: 2,
    run: ([a, b]) => (a === null || b === null ? null : Number(BigInt(integer(a, 'BitAnd', 'value1')) & BigInt(integer(b, 'BitAnd', 'value2')))),
  },
  CBool: { min: 1, max: 1, run: ([v]) => truthy(v!) },
  Coalesce: { min: 1, max: Infinity, run: (args) => args.find((a) => !isEmpty(a)) ?? null },
  ConvertToBase64: { min: 1, max: 1, run: ([v]) => (v === null ? null : Buffer.from(text(v)!, 'utf16le').toString('base64')) },
  ConvertToUTF8Hex: { min: 1, max: 1, run: ([v]) => (v === null ? null : Buffer.from(text(v)!, 'utf8').toString('hex').toUpperCase()) },
  Count: { min: 1, max: 1, run: ([v]) => (Array.isArray(v) ? v.length : isEmpty(v!) ? 0 : 1) },
  CStr: { min: 1, max: 1, run: ([v]) => text(v!) },
  Guid: { min: 0, max: 0, run: (_args, _raw, call) => (call.seed === undefined ? randomUUID() : seededGuid(`${call.seed}|${call.at}`)) },
  IgnoreFlowIfNullOrEmpty: { min: 1, max: 1, run: ([v]) => (isEmpty(v!) ? null : v!) },
  // "If the source attribute used within the IIF function is empty or null, the condition check fails."
  IIF: { min: 3, max: 3, run: ([c, t, f]) => (c !== null && truthy(c!) ? t! : f!) },
  InStr: {
    min: 2,
    max: 4,
    run: ([a, b, start, compare]) => {
      if (a === null || b === null) return null;
      const ignoreCase = text(compare ?? null)?.toLowerCase() === 'vbtextcompare';
      // Lowered one character at a time: a lowering that adds a character ("İ") would move the position.
      const hay = ignoreCase ? lowerCase(text(a)!) : text(a)!;
      const needle = ignoreCase ? lowerCase(text(b)!) : text(b)!;
      const from = start === null || start === undefined ? 1 : integer(start, 'InStr', 'start');
      return hay.indexOf(needle, from - 1) + 1;
    },
  },
  IsNull: { min: 1, max: 1, run: ([v]) => v === null },
  IsNullOrEmpty: { min: 1, max: 1, run: ([v]) => isEmpty(v!) },
  IsPresent: { min: 1, max: 1, run: ([v]) => !isEmpty(v!) },
  IsString: { min: 1, max: 1, run: ([v]) => typeof v === 'string' },
  Item: {
    min: 2,
    max: 2,
    run: ([v, i]) => {
      const index = integer(i!, 'Item', 'index');
      const list = Array.isArray(v) ? v : v === null ? [] : [text(v)!];
      return list[index - 1] ?? null;
    },
  },
  Join: {
    min: 2,
    max: Infinity,
    run: ([sep, ...sources]) => {
      const values = sources.flatMap((s) => (s === null ? [] : Array.isArray(s) ? s : [text(s)!])).filter((s) => s !== '');
      return values.length === 0 ? null : values.join(text(sep!) ?? '');
    },
  },
  Left: {
    min: 2,
    max: 2,
    run: ([s, n]) => {
      const count = integer(n!, 'Left', 'NumChars');
      const str = text(s!) ?? '';
      return count < 0 ? str : str.slice(0, count);
    },
  },
  Mid: {
    min: 3,
    max: 3,
    run: ([s, start, length]) => {
      const from = integer(start!, 'Mid', 'start');
      const count = integer(length!, 'Mid', 'length');
      // JavaScript's substr reads a start below 1 from the end of the string ("Zoë", 0 → "ë"): a value
      // Entra never sends. Its .NET substring refuses a negative start or length.
      if (from < 1) throw new ExpressionError(`Mid: start counts from 1 (the first character), got ${from}`);
      if (count < 0) throw new ExpressionError(`Mid: length cannot be negative, got ${count}`);
      return s === null ? null : text(s)!.substr(from - 1, count);
    },
  },
  NormalizeDiacritics: { min: 1, max: 1, run: ([v]) => mapText(v!, normalizeDiacritics) },
  Not: { min: 1, max: 1, run: ([v]) => !truthy(v!) },
  // Learn: "the current UTC DateTime in the format M/d/yyyy h:mm:ss tt". The cycle's clock (a
  // simulated one, or --at), so a replayed cycle sends the same value.
  Now: { min: 0, max: 0, run: (_args, _raw, call) => entraDate(call.now ?? Date.now(), 'Now') },
  PCase: { min: 1, max: 2, run: ([v, seps]) => mapText(v!, (s) => pcase(s, seps === undefined ? null : text(seps))) },
  RandomString: { min: 5, max: 6, run: (args, _raw, call) => randomString(args, call) },
  Redact: { min: 1, max: 1, run: ([v]) => v! },
  RemoveDuplicates: { min: 1, max: 1, run: ([v]) => (Array.isArray(v) ? [...new Set(v)] : v!) },
  Replace: { min: 2, max: 7, run: (args) => replace([...args, ...Array<ExpressionValue>(7 - args.length).fill(null)]) },
  // The user's app role values ([appRoleAssignments], as mapping.ts reads it), its own assignment's
  // first: one of them (Learn: "Returns a single appRoleAssignment"; no guarantee which).
  SingleAppRoleAssignment: { min: 1, max: 1, run: ([v]) => (Array.isArray(v) ? (v[0] ?? null) : v!) },
  Split: { min: 2, max: 2, run: ([s, d]) => (s === null ? null : text(s)!.split(text(d!) ?? ',').map((x) => x.trim())) },
  StripSpaces: { min: 1, max: 1, run: ([v]) => mapText(v!, (s) => s.replace(/ /g, '')) },
  Switch: {
    min: 4,
    max: Infinity,
    run: ([source, fallback, ...pairs]) => {
      // A null source compares as "" (Entra: use "" as a key to catch an empty source).
      const key = text(source!) ?? '';
      for (let i = 0; i + 1 < pairs.length; i += 2) if ((text(pairs[i]!) ?? '') === key) return pairs[i + 1]!;
      return fallback ?? null;
    },
  },
  ToLower: caseChange('ToLower', lowerCase),
  ToUpper: caseChange('ToUpper', upperCase),
  Word: {
    min: 3,
    max: 3,
    run: ([s, n, delimiters]) => {
      const index = integer(n!, 'Word', 'WordNumber');
      if (s === null || index < 1) return '';
      const delims = text(delimiters!) ?? ' ';
      const words = [...text(s)!].reduce<string[]>((acc, ch) => (delims.includes(ch) ? [...acc, ''] : [...acc.slice(0, -1), `${acc.at(-1) ?? ''}${ch}`]), ['']).filter((w) => w !== '');
      return words[index - 1] ?? '';
    },
  },
};

/** Entra functions scimproof does not evaluate, with why (named in the load error). */
const UNSUPPORTED: Record<string, string> = {
  AppRoleAssignmentsComplex: 'it is only ever the whole expression, AppRoleAssignmentsComplex([appRoleAssignments]), mapped to roles',
  AssertiveAppRoleAssignmentsComplex: 'it is only ever the whole expression, AssertiveAppRoleAssignmentsComplex([appRoleAssignments]), mapped to roles',
  AppRoleAssignments: 'it is the role expression of older tutorials, whose values Learn does not document; map AppRoleAssignmentsComplex([appRoleAssignments]) to roles (every role) or SingleAppRoleAssignment([appRoleAssignments]) to roles[primary eq "True"].value (one role), as Learn\'s "Provisioning a role to a SCIM app" does',
  SelectUniqueValue: 'Entra supports it only for Active Directory targets, never for a SCIM app',
};

/** The functions a load error lists: the role expressions count too, though only as a whole mapping. */
const SUPPORTED = `${Object.keys(EXPRESSION_FUNCTIONS).join(', ')}; and as a whole expression mapped to roles, AppRoleAssignmentsComplex and AssertiveAppRoleAssignmentsComplex([appRoleAssignments])`;

/** The attribute only SingleAppRoleAssignment reads (an object in Entra, not a value). */
export const APP_ROLE_ASSIGNMENTS = 'appRoleAssignments';

/** Names usable bare (InStr's compare type). */
const NAMES = new Set(['vbTextCompare', 'vbBinaryCompare']);

export interface CompiledExpression {
  text: string;
  node: ExpressionNode;
  /** Source attributes the expression reads, as written inside the brackets. */
  attributes: string[];
  /** It calls Now or RandomString: a new value at each evaluation. */
  volatile: boolean;
  /** It calls Redact: the value is sent, and shown as "[Redact]" wherever the IdP shows it. */
  redacts: boolean;
}

const calls = (names: ReadonlySet<string>, n: ExpressionNode | null): boolean =>
  n !== null && ((n.kind === 'call' && (names.has(n.name) || n.args.some((a) => calls(names, a)))) || (n.kind === 'compare' && (calls(names, n.left) || calls(names, n.right))));
const REDACT = new Set(['Redact']);

/** Arguments that must be whole numbers (0-based position → parameter name, as Microsoft names it). */
const INTEGER_ARGUMENTS: Record<string, Record<number, string>> = {
  BitAnd: { 0: 'value1', 1: 'value2' },
  RandomString: { 0: 'Length', 1: 'MinimumNumbers', 2: 'MinimumSpecialCharacters', 3: 'MinimumCapital', 4: 'MinimumLowerCase' },
  InStr: { 2: 'start' },
  Item: { 1: 'index' },
  Left: { 1: 'NumChars' },
  Mid: { 1: 'start', 2: 'length' },
  Word: { 1: 'WordNumber' },
};

/**
 * Constant arguments that can be judged before any user is read: a regular expression that does
 * not compile, a whole number that is not one. Found when the file loads (naming the mapping), not
 * in the middle of a cycle for the first user that reaches them.
 */
function checkConstants(n: Extract<ExpressionNode, { kind: 'call' }>): void {
  for (const [index, name] of Object.entries(INTEGER_ARGUMENTS[n.name] ?? {})) {
    const a = n.args[Number(index)];
    if (a && (a.kind === 'string' || a.kind === 'number') && !Number.isInteger(Number(a.value))) {
      throw new ExpressionError(`${n.name}: ${name} must be a whole number, got ${JSON.stringify(a.value)}`, a.at);
    }
  }
  if (n.name === 'RandomString' && n.args.slice(0, 5).every((a) => a?.kind === 'number' || a?.kind === 'string')) {
    const [length, ...minimums] = n.args.slice(0, 5).map((a) => Number((a as { value: unknown }).value));
    checkRandomLengths(length!, minimums.reduce((x, y) => x + y, 0), n.at);
  }
  const start = n.name === 'Mid' ? n.args[1] : undefined;
  if (start && (start.kind === 'string' || start.kind === 'number') && Number(start.value) < 1) throw new ExpressionError(`Mid: start counts from 1 (the first character), got ${JSON.stringify(start.value)}`, start.at);
  const culture = n.name === 'ToLower' || n.name === 'ToUpper' ? n.args[1] : undefined;
  if (culture?.kind === 'string') {
    try {
      cultureOf(culture.value, n.name);
    } catch (error) {
      throw new ExpressionError((error as Error).message, culture.at);
    }
  }
  if (n.name === 'DateAdd' || n.name === 'DateDiff') {
    const unit = n.args[0];
    if (unit?.kind === 'string' && !['yyyy', 'm', 'd', 'ww', 'h', 'n', 's'].includes(unit.value)) {
      throw new ExpressionError(`${n.name}: interval must be one of "yyyy", "m", "d", "ww", "h", "n", "s", got ${JSON.stringify(unit.value)}`, unit.at);
    }
  }
  if (n.name === 'FormatDateTime') {
    for (const format of n.args.slice(-2)) {
      if (format?.kind !== 'string') continue;
      try {
        formatTokens(format.value);
      } catch (error) {
        throw new ExpressionError(`FormatDateTime: ${(error as Error).message}`, format.at);
      }
    }
  }
  const pattern = n.name === 'Replace' ? n.args[2] : undefined;
  if (pattern?.kind === 'string') {
    try {
      regex(pattern.value, 'Replace');
    } catch (error) {
      throw new ExpressionError((error as Error).message, pattern.at);
    }
  }
}

/** Parses and checks an expression: known functions, their argument counts, bare names. */
export function compileExpression(source: string): CompiledExpression {
  const node = parseExpression(source);
  const check = (n: ExpressionNode | null, top: boolean): void => {
    if (!n) return;
    if (n.kind === 'call') {
      const spec = EXPRESSION_FUNCTIONS[n.name];
      if (!spec) {
        const known = Object.keys(EXPRESSION_FUNCTIONS).find((k) => k.toLowerCase() === n.name.toLowerCase());
        if (known) throw new ExpressionError(`unknown function ${n.name}: the syntax is case-sensitive, write ${known}`, n.at);
        if (UNSUPPORTED[n.name]) throw new ExpressionError(`${n.name} is an Entra function scimproof does not evaluate: ${UNSUPPORTED[n.name]} (supported: ${SUPPORTED})`, n.at);
        throw new ExpressionError(`unknown function ${n.name} (supported: ${SUPPORTED})`, n.at);
      }
      if (n.args.length < spec.min || n.args.length > spec.max) {
        const range = spec.max === Infinity ? `at least ${spec.min}` : spec.min === spec.max ? `${spec.min}` : `${spec.min} to ${spec.max}`;
        throw new ExpressionError(`${n.name} takes ${range} argument(s), got ${n.args.length}`, n.at);
      }
      if (n.name === 'Switch' && n.args.length % 2 !== 0) throw new ExpressionError('Switch takes a source, a default, then key/value pairs: an even number of arguments', n.at);
      if (n.name === 'SingleAppRoleAssignment') {
        const a = n.args[0];
        if (a?.kind !== 'attribute' || a.name !== APP_ROLE_ASSIGNMENTS) throw new ExpressionError(`SingleAppRoleAssignment reads the user's app roles: write SingleAppRoleAssignment([${APP_ROLE_ASSIGNMENTS}])`, a?.at ?? n.at);
        return;
      }
      checkConstants(n);
      for (const a of n.args) check(a, false);
      return;
    }
    if (n.kind === 'compare') {
      check(n.left, false);
      check(n.right, false);
      return;
    }
    if (n.kind === 'attribute' && n.name === APP_ROLE_ASSIGNMENTS) {
      throw new ExpressionError(`[${APP_ROLE_ASSIGNMENTS}] is the user's app role assignments, an object: read it with SingleAppRoleAssignment([${APP_ROLE_ASSIGNMENTS}]) (or map AppRoleAssignmentsComplex([${APP_ROLE_ASSIGNMENTS}]) to roles)`, n.at);
    }
    if (n.kind === 'name' && !NAMES.has(n.name)) {
      throw new ExpressionError(`"${n.name}" is not a value: write an attribute as [${n.name}], a string as "${n.name}", or call a function with ${n.name}(…)`, n.at);
    }
    if (top && n.kind === 'name') throw new ExpressionError('an expression must be a function, an attribute or a constant', n.at);
  };
  check(node, true);
  return { text: source, node, attributes: [...new Set(attributesOf(node).map((a) => (a as { name: string }).name))], volatile: calls(VOLATILE_FUNCTIONS, node), redacts: calls(REDACT, node) };
}

function compare(op: CompareOp, a: ExpressionValue, b: ExpressionValue): boolean {
  if (a === null || b === null) return false;
  const na = typeof a === 'number' ? a : Number(text(a));
  const nb = typeof b === 'number' ? b : Number(text(b));
  const numeric = Number.isFinite(na) && Number.isFinite(nb) && text(a) !== '' && text(b) !== '';
  const x: number | string = numeric ? na : text(a)!;
  const y: number | string = numeric ? nb : text(b)!;
  switch (op) {
    case '=':
      return x === y;
    case '<>':
      return x !== y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
  }
}

function evaluateNode(node: ExpressionNode | null, lookup: AttributeLookup, seed: string | undefined, now: number | undefined): ExpressionValue {
  if (node === null) return null;
  switch (node.kind) {
    case 'string':
      return node.value;
    case 'number':
      return node.value;
    case 'name':
      return node.name;
    case 'attribute': {
      const v = lookup(node.name);
      if (v === undefined || v === '') return null;
      return v;
    }
    case 'compare':
      return compare(node.op, evaluateNode(node.left, lookup, seed, now), evaluateNode(node.right, lookup, seed, now));
    case 'call': {
      const spec = EXPRESSION_FUNCTIONS[node.name]!;
      return spec.run(
        node.args.map((a) => evaluateNode(a, lookup, seed, now)),
        node.args,
        { at: node.at, seed, now },
      );
    }
  }
}

/**
 * The expression's value for one user: a string, a list (Split), or null (nothing is sent).
 * `seed` (the user and the mapping) makes Guid() the same for that user every cycle, and
 * RandomString() the same for that user at that `now` (the cycle's clock, which Now() reads);
 * without them they are random and the machine's time.
 */
export function evaluateExpression(expression: CompiledExpression, lookup: AttributeLookup, seed?: string, now?: number): string | string[] | null {
  const v = evaluateNode(expression.node, lookup, seed, now);
  if (v === null || v === '') return null;
  if (Array.isArray(v)) return v.length === 0 ? null : v;
  return text(v);
}

export { ExpressionError };
