// run.json has a published JSON Schema (src/report/run-record.schema.json, shipped in the package
// as dist/report/run-record.schema.json). Real records of every kind must match it: PASS, FAIL,
// INCOMPLETE (a request that got no answer), fuzz, and a merged sharded run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/record/types.ts';
import { verdictOf } from '../../src/report/summarize.ts';
import { writeReports } from '../../src/report/write.ts';
import { mergeRunRecords } from '../../src/runner/merge.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { tempDir } from '../support/cli.ts';
import { startFaultyServer } from '../support/faulty-server.ts';
import { startProxy } from '../support/proxy.ts';

type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;
const schema = JSON.parse(readFileSync(new URL('../../src/report/run-record.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const validate = addFormats(new Ajv2020({ allErrors: true, strict: true, strictRequired: false })).compile(schema);

/** The record as written to run.json and read back: what a consumer validates. */
async function written(record: RunRecord): Promise<unknown> {
  const file = (await writeReports(record, { json: join(tempDir(), 'run.json') })).json!;
  return JSON.parse(readFileSync(file, 'utf8'));
}

function expectValid(data: unknown): void {
  const ok = validate(data);
  expect(ok ? [] : validate.errors!.slice(0, 5).map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
}

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0 });
});
afterAll(async () => {
  await server.close();
});
const auth = () => ({ kind: 'bearer' as const, token: server.token });

describe('the run.json schema', { timeout: 240_000 }, () => {
  it('matches a PASS run and a merged sharded run', async () => {
    const options = { url: server.url, auth: auth(), suites: ['core'], only: ['users.create.*', 'groups.create.*'], seed: 3 };
    const pass = await runConformance(options);
    expect(verdictOf(pass).kind).toBe('pass');
    expectValid(await written(pass));
    const shards = [await runConformance({ ...options, shard: { index: 1, total: 2 } }), await runConformance({ ...options, shard: { index: 2, total: 2 } })];
    const merged = mergeRunRecords(shards);
    expect(merged.meta.mergedFrom?.length).toBe(2);
    expectValid(await written(merged));
  });

  it('matches a FAIL run with findings and a fuzz run with a counterexample', async () => {
    const faulty = await startFaultyServer('create-returns-200');
    try {
      const fail = await runConformance({ url: faulty.url, auth: { kind: 'bearer', token: faulty.token }, suites: ['core', 'fuzz'], only: ['users.create.*', 'fuzz.create-get'], seed: 4, fuzz: { runs: 10 } });
      expect(verdictOf(fail).kind).toBe('fail');
      expect(fail.findings?.length).toBeGreaterThan(0);
      expect(fail.results.some((r) => r.suite === 'fuzz' && r.status === 'fail')).toBe(true);
      expectValid(await written(fail));
    } finally {
      await faulty.close();
    }
  });

  it('matches an INCOMPLETE run and rejects a record that is not one', async () => {
    const proxy = await startProxy(server.url, server.token, {
      onRequest: (ctx) => {
        if (ctx.req.method === 'POST' && ctx.req.path === '/Users' && /\.prince@/.test(ctx.req.body ?? '')) return new Promise<never>(() => undefined);
      },
    });
    try {
      const incomplete = await runConformance({ url: proxy.url, auth: auth(), suites: ['core'], only: ['users.optional-missing'], seed: 1, timeoutMs: 300 });
      expect(verdictOf(incomplete).kind).toBe('incomplete');
      const data = (await written(incomplete)) as { results: { status: string }[] };
      expectValid(data);
      // The schema can fail: a status that is no status, a record without its results.
      expect(validate({ ...data, results: [{ ...data.results[0], status: 'passed' }] })).toBe(false);
      const { results: _results, ...noResults } = data;
      expect(validate(noResults)).toBe(false);
    } finally {
      await proxy.close();
    }
  });
});
