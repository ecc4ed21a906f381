// Entra's date functions (Learn, "Reference for writing expressions for attribute mappings"):
// CDate, DateAdd, DateDiff, DateFromNum, FormatDateTime and NumFromDate. Dates travel between
// functions as Entra shows them, "M/d/yyyy h:mm:ss tt" in UTC. FormatDateTime reads and writes
// .NET custom date and time format strings; the subset here is every specifier of that page but
// the era (g) and the calendar names of other cultures (the invariant culture's English names are
// used). Hand-written: no npm library parses .NET format strings, and the rules fit in a page.
import { ExpressionError } from './expression-parse.ts';

type Value = string | string[] | number | boolean | null;

interface DateSpec {
  min: number;
  max: number;
  run(args: Value[]): Value;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** 100-ns intervals between 1601-01-01 (Active Directory's epoch) and 1970-01-01. */
const AD_EPOCH_OFFSET = 116444736000000000n;

const asText = (v: Value): string | null => (v === null ? null : typeof v === 'boolean' ? (v ? 'True' : 'False') : Array.isArray(v) ? v.join(',') : String(v));
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** An instant, and the offset (minutes) it was written with, when it was written with one. */
interface Parsed {
  ms: number;
  offsetMinutes?: number;
}

/** 0001-01-01 and the first instant after 9999-12-31: the range of .NET's DateTime. */
const DOTNET_FIRST = new Date('0001-01-01T00:00:00Z').getTime();
const DOTNET_END = new Date('+010000-01-01T00:00:00Z').getTime();
/** 1601-01-01, Active Directory's first date (a Windows file time of 0). */
const AD_FIRST = new Date('1601-01-01T00:00:00Z').getTime();

/**
 * Entra's own rendering of a DateTime: "3/16/2020 7:00:00 AM", in UTC. A date outside .NET's
 * DateTime (years 1 to 9999) fails as Entra's does, for that user: JavaScript would write
 * "1/1/10020 12:00:00 AM", or "NaN/NaN/NaN NaN:NaN:NaN PM" past its own range, and send it.
 */
export function entraDate(ms: number, fn: string): string {
  if (!(ms >= DOTNET_FIRST && ms < DOTNET_END)) throw new ExpressionError(`${fn}: the date is outside the years 1 to 9999 that Entra's dates (.NET DateTime) can hold`);
  const d = new Date(ms);
  const h = d.getUTCHours();
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)} ${h < 12 ? 'AM' : 'PM'}`;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$/i;

function offsetOf(zone: string | undefined): number {
  if (!zone || /^z$/i.test(zone)) return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  d.setUTCFullYear(year);
  // Date.UTC rolls 2/30 over into March; a date that does not exist is no date.
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return d.getTime();
}

/** What CDate reads: ISO 8601 dates (with or without a time, "2020-03-16-07:00" too) and Entra's own "M/d/yyyy h:mm:ss tt". */
export function parseDate(value: string, fn: string): number {
  const s = value.trim();
  const iso = ISO.exec(s);
  if (iso) {
    const [, y, mo, d, h, mi, se, frac, zone] = iso;
    const ms = utc(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(se ?? 0), Math.round(Number(`0.${frac ?? '0'}`) * 1000));
    if (!Number.isNaN(ms)) return ms - offsetOf(zone) * 60_000;
  }
  const us = US.exec(s);
  if (us) {
    const [, mo, d, y, h, mi, se, ampm] = us;
    let hour = Number(h ?? 0);
    if (ampm) {
      if (hour < 1 || hour > 12) return invalid(value, fn);
      hour = (hour % 12) + (/pm/i.test(ampm) ? 12 : 0);
    }
    const ms = utc(Number(y), Number(mo), Number(d), hour, Number(mi ?? 0), Number(se ?? 0));
    if (!Number.isNaN(ms)) return ms;
  }
  return invalid(value, fn);
}

function invalid(value: string, fn: string): never {
  throw new ExpressionError(`${fn}: ${JSON.stringify(value)} is not a date (write ISO 8601, "2020-03-16T07:00:00Z", or "3/16/2020 7:00:00 AM")`);
}

/** One piece of a .NET custom format: a run of one specifier letter, or literal text. */
type FormatToken = { kind: 'spec'; letter: string; count: number } | { kind: 'literal'; text: string };

const SPECIFIERS = new Set(['d', 'f', 'F', 'h', 'H', 'K', 'm', 'M', 's', 't', 'y', 'z', 'g']);

/** Splits a .NET custom date and time format string: specifier runs, quoted text, `\` escapes, the rest literal. */
export function formatTokens(format: string): FormatToken[] {
  const tokens: FormatToken[] = [];
  const literal = (text: string): void => {
    const last = tokens.at(-1);
    if (last?.kind === 'literal') last.text += text;
    else tokens.push({ kind: 'literal', text });
  };
  for (let i = 0; i < format.length; ) {
    const c = format[i]!;
    if (c === "'" || c === '"') {
      const end = format.indexOf(c, i + 1);
      if (end < 0) throw new ExpressionError(`the format ${JSON.stringify(format)} opens a quote it never closes`);
      literal(format.slice(i + 1, end));
      i = end + 1;
    } else if (c === '\\') {
      if (i + 1 >= format.length) throw new ExpressionError(`the format ${JSON.stringify(format)} ends with a lone \\`);
      literal(format[i + 1]!);
      i += 2;
    } else if (c === '%') {
      i += 1;
    } else if (SPECIFIERS.has(c)) {
      let j = i;
      while (format[j] === c) j++;
      tokens.push({ kind: 'spec', letter: c, count: j - i });
      i = j;
    } else {
      literal(c);
      i += 1;
    }
  }
  return tokens;
}

/** The regular-expression piece that reads one token, and how its match sets the date. */
function reader(token: FormatToken): { pattern: string; set?: (parts: DateParts, text: string) => void } {
  if (token.kind === 'literal') return { pattern: token.text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/\s+/g, '\\s*') };
  const { letter, count } = token;
  const digits = (min: number, max: number): string => `(\\d{${min},${max}})`;
  switch (letter) {
    case 'y':
      return count === 2 ? { pattern: digits(2, 2), set: (p, t) => (p.year = 2000 + Number(t) - (Number(t) > 49 ? 100 : 0)) } : { pattern: digits(count > 2 ? count : 1, count > 2 ? Math.max(count, 4) : 4), set: (p, t) => (p.year = Number(t)) };
    case 'M':
      if (count >= 3) return { pattern: `([A-Za-z]{3,})`, set: (p, t) => (p.month = MONTHS.findIndex((m) => (count === 3 ? m.slice(0, 3) : m).toLowerCase() === t.toLowerCase()) + 1) };
      return { pattern: count === 2 ? digits(2, 2) : digits(1, 2), set: (p, t) => (p.month = Number(t)) };
    case 'd':
      if (count >= 3) return { pattern: '[A-Za-z]{3,}' };
      return { pattern: count === 2 ? digits(2, 2) : digits(1, 2), set: (p, t) => (p.day = Number(t)) };
    case 'H':
    case 'h':
      return { pattern: count >= 2 ? digits(2, 2) : digits(1, 2), set: (p, t) => (p.hour = Number(t)) };
    case 'm':
      return { pattern: count >= 2 ? digits(2, 2) : digits(1, 2), set: (p, t) => (p.minute = Number(t)) };
    case 's':
      return { pattern: count >= 2 ? digits(2, 2) : digits(1, 2), set: (p, t) => (p.second = Number(t)) };
    case 'f':
      return { pattern: digits(count, count), set: (p, t) => (p.ms = Math.round(Number(`0.${t}`) * 1000)) };
    case 'F':
      return { pattern: `(\\d{0,${count}})`, set: (p, t) => (p.ms = t === '' ? 0 : Math.round(Number(`0.${t}`) * 1000)) };
    case 't':
      return { pattern: count === 1 ? '([AaPp])' : '([AaPp][Mm])', set: (p, t) => (p.pm = /^p/i.test(t)) };
    case 'z':
      return { pattern: count === 1 ? '([+-]\\d{1,2})' : count === 2 ? '([+-]\\d{2})' : '([+-]\\d{2}:?\\d{2})', set: (p, t) => (p.offset = offsetOf(count < 3 ? `${t.slice(0, 1)}${pad(Number(t.slice(1)), 2)}` : t)) };
    case 'K':
      return { pattern: '(Z|[+-]\\d{2}:?\\d{2})?', set: (p, t) => (p.offset = t ? offsetOf(t) : p.offset) };
    default:
      throw new ExpressionError(`the format specifier "${letter.repeat(count)}" (era) is not supported`);
  }
}

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  pm?: boolean;
  offset?: number;
}

/** Reads `value` as `format` says (DateTimeStyles' leading and trailing white space allowed, as Entra's default). */
export function parseWithFormat(value: string, format: string): Parsed | undefined {
  const readers = formatTokens(format).map(reader);
  const match = new RegExp(`^${readers.map((r) => r.pattern).join('')}$`).exec(value.trim());
  if (!match) return undefined;
  const parts: DateParts = { year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, ms: 0 };
  let group = 1;
  for (const r of readers) {
    // A literal or a day name has no group of its own (literal patterns escape every parenthesis).
    if (!r.set) continue;
    r.set(parts, match[group++] ?? '');
  }
  if (parts.month < 1) return undefined;
  if (parts.pm !== undefined) parts.hour = (parts.hour % 12) + (parts.pm ? 12 : 0);
  const ms = utc(parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second, parts.ms);
  if (Number.isNaN(ms)) return undefined;
  return parts.offset === undefined ? { ms } : { ms: ms - parts.offset * 60_000, offsetMinutes: parts.offset };
}

/** Writes an instant in `format`, in UTC (the provisioning service's clock), as .NET would. */
export function formatWith(ms: number, format: string): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  return formatTokens(format)
    .map((t) => {
      if (t.kind === 'literal') return t.text;
      const n = t.count;
      switch (t.letter) {
        case 'y':
          return n === 2 ? pad(d.getUTCFullYear() % 100, 2) : n === 1 ? String(d.getUTCFullYear() % 100) : pad(d.getUTCFullYear(), n);
        case 'M':
          return n >= 4 ? MONTHS[d.getUTCMonth()]! : n === 3 ? MONTHS[d.getUTCMonth()]!.slice(0, 3) : pad(d.getUTCMonth() + 1, n);
        case 'd':
          return n >= 4 ? DAYS[d.getUTCDay()]! : n === 3 ? DAYS[d.getUTCDay()]!.slice(0, 3) : pad(d.getUTCDate(), n);
        case 'H':
          return pad(h, Math.min(n, 2));
        case 'h':
          return pad(h % 12 === 0 ? 12 : h % 12, Math.min(n, 2));
        case 'm':
          return pad(d.getUTCMinutes(), Math.min(n, 2));
        case 's':
          return pad(d.getUTCSeconds(), Math.min(n, 2));
        case 'f':
          return pad(d.getUTCMilliseconds(), 3).padEnd(7, '0').slice(0, n);
        case 'F':
          return pad(d.getUTCMilliseconds(), 3).padEnd(7, '0').slice(0, n).replace(/0+$/, '');
        case 't':
          return (h < 12 ? 'AM' : 'PM').slice(0, n === 1 ? 1 : 2);
        case 'z':
          return n === 1 ? '+0' : n === 2 ? '+00' : '+00:00';
        case 'K':
          return 'Z';
        default:
          throw new ExpressionError(`the format specifier "${t.letter.repeat(n)}" (era) is not supported`);
      }
    })
    .join('');
}

const INTERVALS = new Set(['yyyy', 'm', 'd', 'ww', 'h', 'n', 's']);

function interval(v: Value, fn: string): string {
  const i = asText(v) ?? '';
  if (!INTERVALS.has(i)) throw new ExpressionError(`${fn}: interval must be one of "yyyy", "m", "d", "ww", "h", "n", "s", got ${JSON.stringify(i)}`);
  return i;
}

/** .NET AddMonths: the day is kept, or the month's last day when the month is shorter. */
function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const target = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(target / 12);
  const month = ((target % 12) + 12) % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const out = new Date(ms);
  out.setUTCFullYear(year, month, Math.min(d.getUTCDate(), last));
  return out.getTime();
}

const DAY_MS = 86_400_000;

/** Visual Basic's DateDiff, which Entra's follows: calendar boundaries for years, months and weeks (Sundays), whole units below. */
function dateDiff(unit: string, a: number, b: number): number {
  const da = new Date(a);
  const db = new Date(b);
  switch (unit) {
    case 'yyyy':
      return db.getUTCFullYear() - da.getUTCFullYear();
    case 'm':
      return db.getUTCFullYear() * 12 + db.getUTCMonth() - (da.getUTCFullYear() * 12 + da.getUTCMonth());
    case 'ww': {
      const sundayIndex = (ms: number): number => Math.floor((Math.floor(ms / DAY_MS) + 4) / 7);
      return sundayIndex(b) - sundayIndex(a);
    }
    case 'd':
      return Math.trunc((b - a) / DAY_MS);
    case 'h':
      return Math.trunc((b - a) / 3_600_000);
    case 'n':
      return Math.trunc((b - a) / 60_000);
    default:
      return Math.trunc((b - a) / 1000);
  }
}

function numberArg(v: Value, fn: string, name: string): number {
  const n = typeof v === 'number' ? v : Number(asText(v));
  if (!Number.isFinite(n)) throw new ExpressionError(`${fn}: ${name} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

export const DATE_FUNCTIONS: Record<string, DateSpec> = {
  CDate: { min: 1, max: 1, run: ([v]) => (v === null ? null : entraDate(parseDate(asText(v!)!, 'CDate'), 'CDate')) },
  DateAdd: {
    min: 3,
    max: 3,
    run: ([unit, amount, date]) => {
      const i = interval(unit!, 'DateAdd');
      if (date === null) return null;
      const n = Math.trunc(numberArg(amount!, 'DateAdd', 'value'));
      const ms = parseDate(asText(date!)!, 'DateAdd');
      const added = i === 'yyyy' ? addMonths(ms, 12 * n) : i === 'm' ? addMonths(ms, n) : ms + n * { d: DAY_MS, ww: 7 * DAY_MS, h: 3_600_000, n: 60_000, s: 1000 }[i as 'd']!;
      return entraDate(added, 'DateAdd');
    },
  },
  DateDiff: {
    min: 3,
    max: 3,
    run: ([unit, a, b]) => {
      const i = interval(unit!, 'DateDiff');
      if (a === null || b === null) return null;
      return dateDiff(i, parseDate(asText(a!)!, 'DateDiff'), parseDate(asText(b!)!, 'DateDiff'));
    },
  },
  DateFromNum: {
    min: 1,
    max: 1,
    run: ([v]) => {
      if (v === null) return null;
      const t = asText(v!)!.trim();
      if (!/^\d+$/.test(t)) throw new ExpressionError(`DateFromNum: ${JSON.stringify(t)} is not an Active Directory date (100-nanosecond intervals since 1601)`);
      // AD's "never expires" (9223372036854775807) is no date either: .NET's FromFileTimeUtc refuses it.
      return entraDate(Number((BigInt(t) - AD_EPOCH_OFFSET) / 10_000n), 'DateFromNum');
    },
  },
  NumFromDate: {
    min: 1,
    max: 1,
    run: ([v]) => {
      if (v === null) return null;
      const ms = parseDate(asText(v!)!, 'NumFromDate');
      // .NET's ToFileTimeUtc refuses a date before Windows' epoch; the number would be negative.
      if (ms < AD_FIRST) throw new ExpressionError(`NumFromDate: ${JSON.stringify(asText(v!))} is before 1601-01-01, the first date Active Directory can hold`);
      return String(BigInt(ms) * 10_000n + AD_EPOCH_OFFSET);
    },
  },
  FormatDateTime: {
    min: 3,
    max: 4,
    run: (args) => {
      // FormatDateTime(source, dateTimeStyles, inputFormat, outputFormat); the styles may be left out.
      const [source, inputFormat, outputFormat] = args.length === 4 ? [args[0], args[2], args[3]] : [args[0], args[1], args[2]];
      if (source === null || source === undefined) return null;
      const input = asText(inputFormat ?? null) ?? '';
      const parsed = parseWithFormat(asText(source)!, input);
      if (!parsed) throw new ExpressionError(`FormatDateTime: ${JSON.stringify(asText(source))} does not have the input format ${JSON.stringify(input)}`);
      return formatWith(parsed.ms, asText(outputFormat ?? null) ?? '');
    },
  },
};
