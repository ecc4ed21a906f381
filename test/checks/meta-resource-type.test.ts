// RFC 7643 §3.1 describes meta.resourceType, like created and lastModified, without making it
// REQUIRED, and neither Entra nor Okta reads it. A server that leaves it out is correct: the meta
// checks failed it at MUST ("meta.resourceType is null, expected "User""). A wrong value still fails.
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/record/types.ts';
import { verdictOf } from '../../src/report/summarize.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startServer } from '../../src/server/index.ts';
import { editJson, isObject } from '../support/defects.ts';
import { startProxy } from '../support/proxy.ts';

async function runWithMeta(edit: (meta: Record<string, unknown>) => void): Promise<RunRecord> {
  const server = await startServer({ port: 0 });
  const proxy = await startProxy(server.url, server.token, {
    onResponse: (_ctx, res) =>
      editJson(res, (json) => {
        const resources = Array.isArray(json.Resources) ? json.Resources : [json];
        for (const r of resources) if (isObject(r) && isObject(r.meta) && r.id !== undefined) edit(r.meta);
      }),
  });
  try {
    return await runConformance({ url: proxy.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ['users.create.*', 'users.get.*', 'groups.create.*'], seed: 6 });
  } finally {
    await proxy.close();
    await server.close();
  }
}

const metaResults = (record: RunRecord) => record.results.filter((r) => ['users.create.meta', 'users.get.meta', 'groups.create.meta'].includes(r.checkId));

describe('meta.resourceType', { timeout: 120_000 }, () => {
  it('left out: not judged, the meta checks pass and say so', async () => {
    const record = await runWithMeta((meta) => delete meta.resourceType);
    const results = metaResults(record);
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
    for (const r of results) expect(r.message).toContain('meta has no resourceType: RFC 7643 §3.1 does not make it REQUIRED, so its absence is not judged');
    expect(verdictOf(record).kind).toBe('pass');
  });

  it('wrong ("user" for a User: it is caseExact): still a failure', async () => {
    const record = await runWithMeta((meta) => {
      if (typeof meta.resourceType === 'string') meta.resourceType = meta.resourceType.toLowerCase();
    });
    const results = metaResults(record);
    expect(results.map((r) => r.status)).toEqual(['fail', 'fail', 'fail']);
    expect(results[0]!.message).toBe('meta.resourceType is "user", expected "User"');
  });
});
