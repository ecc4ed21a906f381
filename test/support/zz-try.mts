import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSuiteFile } from '../../src/suite/load.ts';
const dir = mkdtempSync(join(tmpdir(), 'x-'));
const wrap = (expect: unknown) => ({ suite: 'x', area: 'a', scenarios: [{ id: 's', title: 'S', steps: [{ name: 'n', send: { method: 'GET', path: '/Users' }, expect: [expect] }] }] });
const cases: unknown[] = [
  { id: 'x.a', title: 'T', check: 'list', with: { totl: 999 } },
  { id: 'x.a', title: 'T', check: 'body', with: { assert: [{ pointer: '/totalResults', equal: 999 }] } },
  { id: 'x.a', title: 'T', check: 'status', with: { equal: 200 } },
  { id: 'x.a', title: 'T', check: 'status', with: { equals: '200' } },
  { id: 'x.a', title: 'T', check: 'status' },
  { id: 'x.a', title: 'T', check: 'nope' },
  { id: 'x.a', title: 'T', check: 'list', with: { total: 'five' } },
  { id: 'x.a', title: 'T', check: 'list', with: { total: '{{total}}' } },
  { id: 'x.a', title: 'T', check: 'body', with: { assert: [{ pointer: '/x' }] } },
  { id: 'x.a', title: 'T', check: 'body', with: { assert: { pointer: '/x', where: { a: 1 } } } },
  { id: 'x.a', title: 'T', check: 'error', with: { status: 400, scimType: 'invalidFiltr' } },
  { id: 'x.a', title: 'T', check: 'no-server-error', with: { status: 400 } },
];
for (const c of cases) {
  const f = join(dir, 'mine.json');
  writeFileSync(f, JSON.stringify(wrap(c)));
  try { loadSuiteFile(f); console.log('OK', JSON.stringify(c)); } catch (e) { console.log((e as Error).message.replace(/^.*mine\.json/, 'mine.json')); }
}
