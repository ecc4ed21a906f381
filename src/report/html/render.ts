// The HTML report: one self-contained file (CSS and the filter script inlined, no CDN).
// Handlebars runs as a private instance in strict mode; server content only ever goes through
// `{{ }}` (escaped). The two triple-stashes in layout.hbs carry our own stylesheet and script.
import { readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { RunRecord } from '../../record/types.ts';
import { buildReportView } from './view-model.ts';
import type { ReportView } from './view-types.ts';
import type { RenderContext } from '../summarize.ts';
import { pageVisible } from '../../util/printable.ts';

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

export function renderHtmlView(view: ReportView): string {
  const { layout, css, script } = load();
  return pageVisible(layout({ ...view, css, script }));
}

export function renderHtml(record: RunRecord, context: RenderContext = {}): string {
  return renderHtmlView(buildReportView(record, context));
}
