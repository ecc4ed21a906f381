// A server whose list order changes between requests (RFC 7644 §3.4.2.3 leaves the order to the
// server without sortBy, and §3.4.2.4 warns clients of inconsistent results between pages) puts a
// resource on two pages. That is no MUST violation: paging.partition is not judged then (the same
// pages read again show the order did not repeat), and paging.order-repeatable warns of the risk
// for IdPs that page without sortBy; the partition checks that still judge such pages name each
// resource seen twice once, with the pages it is on. With a repeatable order, a partition that
// misses or repeats a resource (a zero-based startIndex, defect paging-zero-based) still fails.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

/** Five users paged two at a time, judged by a partition check with no second reading. */
function pagingSuite(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'scimproof-partition-')), 'paging.json');
  const create = (n: number) => ({ name: `create-${n}`, send: { method: 'POST', path: '/Users', body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `{{scenario.tag}}.${n}@example.com` } }, capture: { [`u${n}`]: '/id' } });
  const page = (n: number) => ({ name: `page-${n}`, send: { method: 'GET', path: '/Users', query: { filter: 'userName sw "{{scenario.tag}}"', startIndex: 2 * n - 1, count: 2 } }, capture: { [`page${n}`]: '/Resources/*/id' } });
  const partition = { id: 'mine.partition', title: 'each user on one page', check: 'partition', with: { pages: ['{{page1}}', '{{page2}}', '{{page3}}'], expected: ['{{u1}}', '{{u2}}', '{{u3}}', '{{u4}}', '{{u5}}'] }, refs: ['RFC7644-3.4.2.4'] };
  writeFileSync(file, JSON.stringify({ suite: 'mine', area: 'paging', scenarios: [{ id: 'mine.paging', title: 'Paging', steps: [...[1, 2, 3, 4, 5].map(create), page(1), page(2), { ...page(3), expect: [partition] }] }] }));
  return file;
}

const ONLY = ['paging.partition', 'paging.order-repeatable', 'entra.paging.no-overlap'];

async function runOn(options: Parameters<typeof startIndependentServer>[0]): Promise<RunRecord> {
  const server: IndependentServer = await startIndependentServer(options);
  try {
    return await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra'], only: ONLY, seed: 3 });
  } finally {
    await server.close();
  }
}
const result = (record: RunRecord, id: string) => record.results.find((r) => r.checkId === id)!;

describe('an order that changes between requests', () => {
  let record: RunRecord;
  beforeAll(async () => {
    record = await runOn({ shuffle: 'alternate' });
  }, 120_000);

  it('is not a MUST failure of the partition: it is not judged, and the repeatable-order check warns with the pages that changed', () => {
    expect(result(record, 'paging.partition')).toMatchObject({ status: 'skip', reason: expect.stringMatching(/^not judged: the server's order without sortBy is not repeatable \(page 1 read again held \[/) });
    expect(result(record, 'paging.order-repeatable')).toMatchObject({ status: 'warn', message: expect.stringMatching(/^the list order without sortBy changed between requests: page 1 read again held \[.*\], first \[/) });
    expect(record.summary.fail).toBe(0);
  });

  it('a partition check without a second reading names a resource on more than one page once, with its pages', async () => {
    const server = await startIndependentServer({ shuffle: 'alternate' });
    let pagedRecord: RunRecord;
    try {
      pagedRecord = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: [pagingSuite()], seed: 3 });
    } finally {
      await server.close();
    }
    const messages = pagedRecord.results.filter((r) => /partition|no-overlap/.test(r.checkId) && r.message).map((r) => r.message!);
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) {
      const named = [...message.matchAll(/([0-9a-f-]{8,}) \((pages? [^)]*)\)/g)].map((m) => m[1]);
      expect(named.length, message).toBeGreaterThan(0);
      expect(new Set(named).size, message).toBe(named.length);
      expect(message).toMatch(new RegExp(`^${named.length} resource\\(s\\) appear more than once across the pages`));
    }
  });
});

it('a repeatable order (newest first, without sortBy) is judged and passes', async () => {
  const record = await runOn({ newestFirst: true });
  for (const id of ['paging.partition', 'paging.order-repeatable']) expect(result(record, id).status, id).toBe('pass');
});
