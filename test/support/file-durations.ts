// Refreshes test/support/file-durations.json (read by longest-first.ts) from vitest's cache of the
// last run: run the whole suite (`npx vitest run`), then `npx tsx test/support/file-durations.ts`.
// Vitest's cache holds each file's whole duration, its beforeAll and afterAll included (the JSON
// report's file times leave those out). Files the last run did not run keep their old duration;
// files that no longer exist are dropped.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DURATIONS_FILE } from './longest-first.ts';

const ROOT = new URL('../../', import.meta.url);
const CACHE = new URL('node_modules/.vite/vitest/', ROOT);

const old = existsSync(DURATIONS_FILE) ? (JSON.parse(readFileSync(DURATIONS_FILE, 'utf8')) as Record<string, number>) : {};
const fresh: Record<string, number> = {};
for (const dir of existsSync(CACHE) ? readdirSync(CACHE) : []) {
  const file = new URL(`${dir}/results.json`, CACHE);
  if (!existsSync(file)) continue;
  const { results } = JSON.parse(readFileSync(file, 'utf8')) as { results: [string, { duration?: number }][] };
  for (const [key, { duration }] of results) {
    const path = key.slice(key.indexOf(':') + 1);
    if (duration !== undefined) fresh[path] = Math.round(duration / 100) / 10;
  }
}
if (Object.keys(fresh).length === 0) {
  console.error(`file-durations: no vitest cache in ${fileURLToPath(CACHE)}; run the whole suite first (npx vitest run)`);
  process.exit(2);
}
const table = Object.fromEntries(
  Object.entries({ ...old, ...fresh })
    .filter(([path]) => existsSync(new URL(path, ROOT)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(DURATIONS_FILE, `${JSON.stringify(table, null, 2)}\n`);
console.log(`file-durations: ${Object.keys(table).length} files, ${Object.keys(fresh).length} from the last run, in ${fileURLToPath(DURATIONS_FILE)}`);
