// --shard i/n and report --merge: the shards of a run together run exactly the checks of the
// unsharded run, and merging their records gives one consistent record.
import { describe, expect, it } from 'vitest';
import { mergeRunRecords, missingShards, MergeError } from '../../src/runner/merge.ts';
import { runConformance } from '../../src/runner/run.ts';
import { parseShard, shardCounter } from '../../src/runner/shard.ts';
import { finalProfileVerdict } from '../../src/runner/profile-verdict.ts';
import { getProfile } from '../../src/suite/profiles.ts';
import type { CheckResult, RunRecord } from '../../src/record/types.ts';
import { verdictOf } from '../../src/report/summarize.ts';

// okta: its Spec Test judges whichever user comes first, which differs from shard to shard.
const SUITES = ['core', 'entra', 'okta', 'fuzz'];
const FUZZ = { runs: 2 };

describe('sharding', () => {
  it('parses i/n and refuses what is not a shard', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, total: 3 });
    expect(() => parseShard('0/3')).toThrow(/between 1 and 3/);
    expect(() => parseShard('4/3')).toThrow(/between 1 and 3/);
    expect(() => parseShard('half')).toThrow(/look like 1\/3/);
    // It read "the job number must be between 1 and 1".
    expect(() => parseShard('1/0')).toThrow(/^--shard 1\/0: the number of jobs must be at least 1$/);
  });

  it('deals units round-robin', () => {
    const mine = shardCounter({ index: 2, total: 3 });
    expect(Array.from({ length: 7 }, () => mine())).toEqual([false, true, false, false, true, false, false]);
  });

  it('a run records what it was narrowed to, so shards run with another --only or --dialect are not merged', async () => {
    const narrowed = await runConformance({ suites: ['core', 'entra'], seed: 5, only: ['users.create.*', 'entra.create.*'], dialects: ['entra'], shard: { index: 1, total: 2 } });
    expect(narrowed.meta.selection).toEqual({ only: ['users.create.*', 'entra.create.*'], dialects: ['entra'] });
    const other = await runConformance({ suites: ['core', 'entra'], seed: 5, only: ['users.create.*', 'entra.create.*'], shard: { index: 2, total: 2 } });
    expect(other.meta.selection).toEqual({ only: ['users.create.*', 'entra.create.*'] });
    expect(() => mergeRunRecords([narrowed, other])).toThrow(/different selections \(--only, --skip, --dialect\)/);
    const whole = await runConformance({ suites: ['core'], seed: 5, only: ['users.create.status'] });
    expect((await runConformance({ suites: ['core'], seed: 5, fuzz: FUZZ, only: [] })).meta.selection).toBeUndefined();
    expect(whole.meta.selection).toEqual({ only: ['users.create.status'] });
  }, 120_000);

  it('shards run with another --max-time or another fuzz budget are not merged: the joined report states one', async () => {
    const shard = (index: number, maxTimeMs: number, runs: number): Promise<RunRecord> => runConformance({ suites: ['core', 'fuzz'], seed: 5, only: ['users.create.status', 'fuzz.create-get'], fuzz: { runs }, maxTimeMs, shard: { index, total: 2 } });
    // Each pair differs in one budget only; every shard of a run with the fuzz suite records its fuzz budget.
    const [a, b] = [await shard(1, 600_000, 2), await shard(2, 0, 2)];
    expect(() => mergeRunRecords([a, b])).toThrow(/^the records come from different time budgets \(--max-time\) \((600s and no limit|no limit and 600s)\); merge the shards of one run$/);
    const [c, d] = [await shard(1, 0, 2), await shard(2, 0, 3)];
    expect(() => mergeRunRecords([c, d])).toThrow(/^the records come from different fuzz budgets \(--runs, --time\) \(2 runs per property and 3 runs per property\); merge the shards of one run$/);
    expect(mergeRunRecords([c, await shard(2, 0, 2)]).meta.mergedFrom).toHaveLength(2);
  }, 120_000);

  it('the union of 3 shards is the unsharded run: same check ids, no scenario twice, one merged record', async () => {
    const whole = await runConformance({ suites: SUITES, seed: 5, fuzz: FUZZ });
    const shards: RunRecord[] = [];
    for (const index of [1, 2, 3]) shards.push(await runConformance({ suites: SUITES, seed: 5, fuzz: FUZZ, shard: { index, total: 3 } }));
    const ids = (r: RunRecord): string[] => r.results.map((x) => x.checkId).sort();
    expect(whole.summary.fail).toBe(0);

    // Only discovery and the run-wide audits run in more than one shard.
    const counts = new Map<string, number>();
    for (const shard of shards) for (const id of new Set(ids(shard))) counts.set(id, (counts.get(id) ?? 0) + 1);
    const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    expect(repeated.every((id) => id.startsWith('discovery.') || id.startsWith('responses.'))).toBe(true);
    for (const shard of shards) expect(shard.results.length).toBeLessThan(whole.results.length * 0.6);

    const merged = mergeRunRecords(shards);
    expect(ids(merged)).toEqual(ids(whole));
    expect(merged.summary).toEqual(whole.summary);
    expect(merged.idpVerdicts?.map((v) => [v.dialect, v.works])).toEqual(whole.idpVerdicts?.map((v) => [v.dialect, v.works]));
    expect(merged.meta.mergedFrom).toEqual(shards.map((s) => s.meta.runId));
    // Every exchange id is unique and every result's evidence resolves.
    const exchangeIds = new Set(merged.exchanges.map((x) => x.id));
    expect(exchangeIds.size).toBe(merged.exchanges.length);
    expect(merged.results.flatMap((r) => r.exchangeIds).filter((id) => !exchangeIds.has(id))).toEqual([]);
    expect(verdictOf(merged).kind).toBe('pass');
    // One filter support table and one fuzz tally, as in the unsharded run (they read two and three
    // times over, each with one shard's part).
    const section = (r: RunRecord, kind: string): Record<string, unknown>[] => (r.sections ?? []).filter((x) => x.kind === kind).map((x) => x.data as Record<string, unknown>);
    expect(section(merged, 'filter-support')).toHaveLength(1);
    expect(Object.keys(section(merged, 'filter-support')[0]!).sort()).toEqual(Object.keys(section(whole, 'filter-support')[0]!).sort());
    expect(section(merged, 'fuzz-summary')).toEqual([expect.objectContaining({ seed: 5, properties: section(whole, 'fuzz-summary')[0]!.properties, failed: 0, runsPerProperty: 2 })]);

    // Without shard 3 (its job died before uploading run.json) this read "PASS — All N checks
    // passed" and every IdP "would work", though a third of the scenarios never ran.
    const partial = mergeRunRecords(shards.slice(0, 2));
    expect(partial.meta.missingShards).toEqual(['3/3']);
    expect(verdictOf(partial)).toMatchObject({ kind: 'incomplete', headline: 'INCOMPLETE', detail: expect.stringMatching(/^Shard 3\/3 not merged: this report covers only part of the run/) });
    expect(partial.idpVerdicts?.length).toBe(whole.idpVerdicts?.length);
    for (const verdict of partial.idpVerdicts ?? []) {
      expect(verdict).toMatchObject({ works: false, notJudged: true });
      expect(verdict.blocking.map((b) => b.checkId)).toEqual([`${verdict.dialect}.not-merged`]);
    }
  }, 120_000);
});

const result = (checkId: string, status: CheckResult['status'], exchangeIds: string[] = []): CheckResult => ({ checkId, title: checkId, area: 'a', suite: 'core', level: 'MUST', refs: [], status, exchangeIds });
const record = (index: number, results: CheckResult[], exchanges = 1): RunRecord => ({
  meta: { runId: `r${index}`, tool: 'scimproof', version: '0', node: 'v20', target: 'http://t', embedded: false, suites: ['core'], seed: 1, prefix: 'p-', startedAt: `2026-01-01T00:00:0${index}Z`, finishedAt: `2026-01-01T00:01:0${index}Z`, shard: { index, total: 3 } },
  exchanges: Array.from({ length: exchanges }, (_, i) => ({ id: `x${String(i + 1).padStart(4, '0')}`, request: { method: 'GET', url: 'http://t/Users', headers: {} }, startedAt: '', ms: 1, curl: 'curl' })),
  results,
  cleanup: [],
  summary: { total: 0, pass: 0, fail: 0, warn: 0, info: 0, skip: 0, error: 0 },
});

describe('merging shard records', () => {
  it('keeps the worst verdict of a check seen in several shards, with its evidence renumbered', () => {
    const merged = mergeRunRecords([record(1, [result('responses.schema', 'pass', ['x0001'])]), record(2, [result('responses.schema', 'fail', ['x0001'])])]);
    expect(merged.results).toHaveLength(1);
    expect(merged.results[0]!.status).toBe('fail');
    expect(merged.results[0]!.exchangeIds).toEqual(['x0002']);
    expect(merged.summary.fail).toBe(1);
  });

  it('a core failure in one shard blocks the IdP whose replay pack passed in another', () => {
    const merged = mergeRunRecords([record(1, [{ ...result('entra.create.status[entra]', 'pass'), variant: 'entra' }]), record(2, [result('users.create.status', 'fail')])]);
    expect(merged.idpVerdicts?.find((v) => v.dialect === 'entra')?.works).toBe(false);
  });

  it('judges the profile verdict again over every shard: a profile failure in one shard fails the merged verdict', () => {
    const interop = getProfile('interop');
    const meets = finalProfileVerdict(interop, [result('interop.a', 'pass')], 'option', undefined);
    expect(meets.state).toBe('meets');
    const merged = mergeRunRecords([
      { ...record(1, [result('interop.a', 'pass')]), profileVerdict: meets },
      { ...record(2, [result('interop.b', 'fail')]), profileVerdict: finalProfileVerdict(interop, [result('interop.b', 'fail')], 'option', undefined) },
      record(3, [result('users.create.status', 'pass')]),
    ]);
    expect(merged.profileVerdict?.state).toBe('fails');
    expect(merged.profileVerdict?.failing.map((f) => f.checkId)).toEqual(['interop.b']);
    expect(merged.profileVerdict?.counts).toMatchObject({ pass: 1, fail: 1 });
    // A profile met in the shards given is not met by the run when a shard is missing.
    const partial = mergeRunRecords([{ ...record(1, [result('interop.a', 'pass')]), profileVerdict: meets }, record(3, [result('users.create.status', 'pass')])]);
    expect(partial.profileVerdict?.state).toBe('not-judged');
    expect(partial.profileVerdict?.notJudged).toContainEqual({ what: 'shard 2/3', reason: 'shard 2/3 not merged: the checks that ran there are missing' });
  });

  it('refuses a shard given twice, and names the shards that are missing', () => {
    expect(() => mergeRunRecords([record(1, []), record(1, [])])).toThrow(MergeError);
    expect(missingShards([record(1, []), record(3, [])])).toEqual(['2/3']);
  });
});
