// The provisioning log as pages a person reads: an index over every cycle, and per cycle a page
// with the counts, every object that did not simply succeed (with why) and the full object list,
// whose data lives in numbered chunk files loaded only when asked for. A 10,000-user cycle gives a
// page of a few kilobytes plus data files the browser reads one at a time.
// Handlebars in strict mode; log content only reaches the page as escaped text or as JSON inside
// a script element with `<` escaped.
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { CURL_LINE_SCRIPT_URL } from '../../http/curl.ts';
import type { CycleSummary, ObjectEntry } from './entries.ts';
import type { InterruptedCycle } from './reader.ts';
import { countsText } from './console.ts';
import { pageVisible } from '../../util/printable.ts';

/** Non-success rows embedded in a cycle page (the rest stay in the chunk files). */
export const NOTABLE_ROWS = 2000;

/** A row of the cycle page: enough to say what happened and why, and where the details are. */
export interface ObjectRow {
  objectType: string;
  id: string;
  display: string;
  action: string;
  outcome: string;
  reason: string;
  error?: string;
  at?: string;
  chunk: number;
}

export const cycleDir = (cycle: number, onDemand: boolean): string => (onDemand ? `on-demand-${String(cycle).padStart(4, '0')}` : `cycle-${String(cycle).padStart(4, '0')}`);
export const chunkFile = (n: number): string => `objects-${String(n).padStart(4, '0')}.js`;

/** What a page row shows of an object: any logged entry or the result it was made from. */
export type RowSource = Pick<ObjectEntry, 'objectType' | 'id' | 'display' | 'action' | 'outcome' | 'reason' | 'error' | 'finishedAt'>;

export function rowOf(e: RowSource, chunk: number): ObjectRow {
  const err = e.error ? `${e.error.status !== undefined ? `HTTP ${e.error.status} ` : ''}${e.error.code ? `${e.error.code}: ` : ''}${e.error.message}` : undefined;
  return { objectType: e.objectType, id: e.id, display: e.display, action: e.action, outcome: e.outcome, reason: e.reason, ...(err ? { error: err } : {}), ...(e.finishedAt ? { at: e.finishedAt } : {}), chunk };
}

const TEMPLATES = new URL('./templates/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, TEMPLATES), 'utf8');

interface Compiled {
  cycle: HandlebarsTemplateDelegate;
  index: HandlebarsTemplateDelegate;
  css: string;
  script: string;
}

let compiled: Compiled | undefined;
function templates(): Compiled {
  if (compiled) return compiled;
  const hbs = Handlebars.create();
  const css = read('log.css');
  // The curl lines of the requests shown are built in the page by the code that builds them
  // everywhere else (the log leaves them out): curl-line.js, as a script (no `export`).
  const script = `${readFileSync(CURL_LINE_SCRIPT_URL, 'utf8').replace(/^export /gm, '')}\n${read('log.js')}`;
  if (/<\//.test(css) || /<\/script/i.test(script)) throw new Error('log page assets must not contain "</"');
  compiled = { cycle: hbs.compile(read('cycle.hbs'), { strict: true }), index: hbs.compile(read('index.hbs'), { strict: true }), css, script };
  return compiled;
}

/** JSON safe inside a script element. */
const embed = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

const secondsBetween = (a: string, b: string): string => ((Date.parse(b) - Date.parse(a)) / 1000).toFixed(2);

export function renderCyclePage(summary: CycleSummary, notable: ObjectRow[], chunks: number, objects: number): string {
  const t = templates();
  const title = summary.onDemand ? `Provision on demand: ${summary.onDemand.user}` : `Provisioning cycle ${summary.cycle}`;
  return pageVisible(t.cycle({
    title,
    summary,
    seconds: secondsBetween(summary.startedAt, summary.finishedAt),
    counts: Object.entries(summary.counts).map(([name, value]) => ({ name, value })),
    notableCount: notable.length,
    objects,
    chunks,
    css: t.css,
    script: t.script,
    data: embed({ notable, chunks, chunkFiles: Array.from({ length: chunks }, (_, i) => chunkFile(i + 1)) }),
  }));
}

/**
 * The index over every run: `interrupted`, cycles the process never finished (killed, crashed),
 * are listed too, where they began, with what they logged: they have no page of their own.
 */
export function renderIndexPage(summaries: CycleSummary[], interrupted: readonly InterruptedCycle[] = []): string {
  const t = templates();
  const finished = summaries.map((s) => ({
    ...s,
    label: s.onDemand ? `on demand: ${s.onDemand.user}` : `cycle ${s.cycle}`,
    outcome: s.onDemand ? s.onDemand.outcome : s.status,
    took: `${secondsBetween(s.startedAt, s.finishedAt)} s`,
    counts: countsText(s.counts),
  }));
  const cut = interrupted.map((c) => ({
    label: `cycle ${c.cycle}`,
    outcome: 'interrupted',
    startedAt: c.startedAt,
    took: 'never ended',
    requests: c.requests,
    counts: `${c.objects} object(s) logged · ${c.notArrived} did not arrive`,
    stopReason: `the process ended before the cycle did (killed or crashed); npx scimproof idp log --cycle ${c.cycle} lists what did not arrive`,
  }));
  // Newest first; an interrupted cycle among the others by when it began.
  const rows = [...finished, ...cut].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return pageVisible(t.index({ rows, count: rows.length, css: t.css, script: '' }));
}
