// The HTML report: one self-contained file (CSS and the filter script inlined, no CDN).
// Handlebars runs as a private instance in strict mode; server content only ever goes through
// `{{ }}` (escaped). The two triple-stashes in layout.hbs carry our own stylesheet and script.
import { readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { RunRecord } from '../../record/types.ts';
import { buildReportView } from './view-model.ts';
import type { ReportView } from './view-types.ts';

const TEMPLATES = new URL('./templates/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, TEMPLATES), 'utf8');

type Compiled = (view: ReportView & { css: string; script: string }) => string;

let compiled: { layout: Compiled; css: string; script: string } | undefined;

function load(): { layout: Compiled; css: string; script: string } {
  if (compiled) return compiled;
  const hbs = Handlebars.create();
  for (const file of readdirSync(new URL('partials/', TEMPLATES))) {
    if (!file.endsWith('.hbs')) continue;
    hbs.registerPartial(file.slice(0, -'.hbs'.length), hbs.compile(read(`partials/${file}`), { strict: true }));
  }
  const layout = hbs.compile(read('layout.hbs'), { strict: true });
  // A stylesheet or script containing `</` could end its element early; ours never should.
  const css = read('report.css');
  const script = read('filter.js');
  if (/<\//.test(css) || /<\/script/i.test(script)) throw new Error('report template assets must not contain "</"');
  compiled = { layout, css, script };
  return compiled;
}

// C0 controls (other than tab/newline/CR) are HTML parse errors and invisible anyway; the page
// shows them as `\x07` the way the JUnit report does. Our own template text contains none.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const visible = (char: string): string => `\\x${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

export function renderHtmlView(view: ReportView): string {
  const { layout, css, script } = load();
  return layout({ ...view, css, script }).replace(CONTROL, visible);
}

export function renderHtml(record: RunRecord): string {
  return renderHtmlView(buildReportView(record));
}
