// Server-rendered pages: handlebars templates in ./templates, one per page inside a shared
// layout, and partials (a log entry, the job badge, the progress box) that are also rendered on
// their own for live updates, so a row pushed while a cycle runs is the same markup as a row in
// the page. Handlebars escapes every value; no log content reaches the page unescaped, and a
// server's control characters and bidirectional overrides show as \x1B, \u202E (pageVisible). The
// stylesheet and script in ./assets are served as files (no CDN, works offline).
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { pageVisible } from '../util/printable.ts';
import type { Layout } from './views.ts';

const TEMPLATES = new URL('./templates/', import.meta.url);
const ASSETS = new URL('./assets/', import.meta.url);

export const PAGE_TEMPLATES = ['directory', 'user', 'provisioning', 'on-demand', 'logs', 'mappings', 'import', 'not-found'] as const;
export type PageTemplate = (typeof PAGE_TEMPLATES)[number];
const PARTIALS = ['job', 'counts', 'progress', 'entry'] as const;
type Partial = (typeof PARTIALS)[number];

interface Compiled {
  layout: HandlebarsTemplateDelegate;
  pages: Record<PageTemplate, HandlebarsTemplateDelegate>;
  partials: Record<Partial, HandlebarsTemplateDelegate>;
}

let compiled: Compiled | undefined;

function templates(): Compiled {
  if (compiled) return compiled;
  const hbs = Handlebars.create();
  const read = (name: string): string => readFileSync(new URL(`${name}.hbs`, TEMPLATES), 'utf8');
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('enc', (v: unknown) => encodeURIComponent(String(v ?? '')));
  hbs.registerHelper('multiline', (v: unknown) => typeof v === 'string' && v.includes('\n'));
  const partials = {} as Record<Partial, HandlebarsTemplateDelegate>;
  for (const name of PARTIALS) {
    const text = read(name);
    hbs.registerPartial(name, text);
    partials[name] = hbs.compile(text);
  }
  const pages = {} as Record<PageTemplate, HandlebarsTemplateDelegate>;
  for (const name of PAGE_TEMPLATES) pages[name] = hbs.compile(read(name));
  compiled = { layout: hbs.compile(read('layout')), pages, partials };
  return compiled;
}

export function renderPage(template: PageTemplate, layout: Layout, view: unknown): string {
  const t = templates();
  const body = t.pages[template]({ layout, view });
  return pageVisible(t.layout({ layout, body }));
}

export function renderPartial(name: Partial, context: Record<string, unknown>): string {
  return pageVisible(templates().partials[name](context));
}

export interface Asset {
  type: string;
  body: string;
}

const ASSET_TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };
const assets = new Map<string, Asset>();

/** A file of ./assets by name (console.css, console.js); undefined for any other name. */
export function asset(name: string): Asset | undefined {
  if (!/^console\.(css|js)$/.test(name)) return undefined;
  let found = assets.get(name);
  if (!found) {
    found = { type: ASSET_TYPES[name.split('.').pop()!]!, body: readFileSync(new URL(name, ASSETS), 'utf8') };
    assets.set(name, found);
  }
  return found;
}
