// The fuzzer finds planted bugs, shrinks them to a few requests, replays them exactly; it runs clean
// against the reference server; the same seed sends the same requests; nothing is left behind.
import { mkdtempSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuzzCommand } from '../../src/cli/fuzz.ts';
import { parseDuration } from '../../src/cli/options.ts';
import { UsageError } from '../../src/cli/errors.ts';
import { readReplay, writeReplayFiles } from '../../src/fuzz/replay.ts';
import type { Exchange, RunRecord } from '../../src/record/types.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startServer } from '../../src/server/index.ts';
import { startFaultyServer, type DefectName } from '../support/faulty-server.ts';
import { startIndependentServer, type IndependentServerOptions } from '../servers/independent/index.ts';

const SEED = 7;

interface Target {
  url: string;
  token: string;
}

function fuzz(target: Target, budget: Parameters<typeof runConformance>[0]['fuzz'], seed = SEED, onExchange?: (ex: Exchange) => void): Promise<RunRecord> {
  return runConformance({ url: target.url, auth: { kind: 'bearer', token: target.token }, suites: ['fuzz'], seed, fuzz: budget, ...(onExchange ? { events: { onExchange } } : {}) });
}

const fuzzResults = (record: RunRecord) => record.results.filter((r) => r.suite === 'fuzz');
const counterexample = (record: RunRecord) => record.sections?.find((s) => s.kind === 'fuzz-counterexample')?.data as Record<string, unknown> | undefined;

// Each planted bug, the property that must catch it, and a bound on the shrunk request count.
// `operations`: how many operations the minimal case's PATCH holds (an operation that plays no part is shrunk away).
const PLANTED: Array<{ defect: DefectName; property: string; maxRequests: number; operations?: number }> = [
  { defect: 'patch-replace-appends', property: 'patch-model', maxRequests: 3, operations: 1 },
  { defect: 'paging-zero-based', property: 'paging-partition', maxRequests: 2 },
  { defect: 'filter-username-case-sensitive', property: 'username-eq-any-case', maxRequests: 2 },
  { defect: 'wrong-type-500', property: 'invalid-input-4xx', maxRequests: 2 },
  { defect: 'patch-not-atomic', property: 'patch-model', maxRequests: 3 },
  // (create, PUT, and the bare create that shows the kept value is not the server's default)
  { defect: 'put-merges', property: 'stateful-directory', maxRequests: 3 },
];

describe('planted bugs', () => {
  for (const { defect, property, maxRequests, operations } of PLANTED) {
    it(`finds ${defect} with ${property}, shrinks it and replays it`, async () => {
      const server = await startFaultyServer(defect);
      const clean = await startServer({ port: 0 });
      try {
        // The shrink is bounded by time; a generous bound keeps a busy machine from cutting it short
        // (it ends as soon as nothing smaller fails: a few seconds).
        const record = await fuzz(server, { runs: 100, properties: [property], shrinkTimeMs: 90_000 });
        const [result] = fuzzResults(record);
        expect(result?.checkId).toBe(`fuzz.${property}`);
        expect(result?.status, result?.message).toBe('fail');
        const data = counterexample(record)!;
        expect(data.property).toBe(property);
        expect(data.seed).toBe(SEED);
        const ids = data.exchangeIds as string[];
        expect(ids.length).toBeGreaterThan(0);
        expect(ids.length).toBeLessThanOrEqual(maxRequests);
        expect(result?.exchangeIds).toEqual(ids);
        const byId = new Map(record.exchanges.map((ex) => [ex.id, ex]));
        for (const id of ids) expect(byId.get(id)?.curl).toContain('curl');
        if (operations !== undefined) {
          const patch = ids.map((id) => byId.get(id)!).find((ex) => ex.request.method === 'PATCH');
          expect((JSON.parse(patch!.request.body!) as { Operations: unknown[] }).Operations).toHaveLength(operations);
        }
        expect(record.exchanges.length).toBeLessThanOrEqual(260);
        expect(record.cleanup.filter((c) => c.status === 'failed')).toEqual([]);

        const dir = mkdtempSync(join(tmpdir(), 'scimproof-fuzz-'));
        const [file] = await writeReplayFiles(record, dir);
        const stored = JSON.parse(readFileSync(file!, 'utf8')) as { requests: unknown[]; target: string; path: string };
        expect(stored.requests).toHaveLength(ids.length);
        expect(stored.target).not.toContain(server.token);
        const keys = readReplay(file!);
        const again = await fuzz(server, { replay: keys }, 12345);
        expect(fuzzResults(again).map((r) => r.status)).toEqual(['fail']);
        expect((counterexample(again)!.exchangeIds as string[]).length).toBe(ids.length);
        const fixed = await fuzz(clean, { replay: keys });
        expect(fuzzResults(fixed).map((r) => r.status)).toEqual(['pass']);
      } finally {
        await server.close();
        await clean.close();
      }
    }, 180_000);
  }
});

describe('against the reference server', () => {
  it('runs clean over a large budget and leaves nothing behind', async () => {
    const server = await startServer({ port: 0 });
    try {
      const record = await fuzz(server, { runs: 150 }, 20240501);
      const results = fuzzResults(record);
      expect(results).toHaveLength(9);
      expect(results.filter((r) => r.status !== 'pass').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
      expect(record.summary.fail).toBe(0);
      expect(record.sections?.filter((s) => s.kind === 'fuzz-counterexample') ?? []).toEqual([]);
      // Passing runs are capped in the record: thousands of requests, a few hundred exchanges.
      expect((record.sections?.[0]?.data as { requests: number }).requests).toBeGreaterThan(2000);
      expect(record.exchanges.length).toBeLessThan(300);
      expect(server.store.count('User')).toBe(0);
      expect(server.store.count('Group')).toBe(0);
    } finally {
      await server.close();
    }
    // Thousands of requests: on a busy 2-core machine this takes far longer than the default.
  }, 240_000);

  it('sends the same requests for the same seed', async () => {
    const lines = async (): Promise<string[]> => {
      const server = await startServer({ port: 0 });
      const seen: Exchange[] = [];
      try {
        const record = await fuzz(server, { runs: 12 }, 99, (ex) => seen.push(ex));
        const ids = new Map<string, string>();
        const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
        return seen
          .filter((ex) => ex.origin?.suite === 'fuzz')
          .map((ex) => `${ex.request.method} ${ex.request.url.replace(server.url, '')} ${ex.request.body ?? ''}`)
          // Cursors are the server's own opaque values (signed, time-stamped): only that one was sent back matters.
          .map((l) => l.replace(/([?&]cursor=)[^&\s]+/, '$1CURSOR'))
          .map((l) => l.replace(new RegExp(record.meta.prefix.replace(/[^a-z0-9]/gi, '\\$&'), 'gi'), 'PREFIX-').replace(uuid, (id) => ids.get(id) ?? (ids.set(id, `ID${ids.size}`), `ID${ids.size - 1}`)));
      } finally {
        await server.close();
      }
    };
    const first = await lines();
    const second = await lines();
    expect(first.length).toBeGreaterThan(100);
    expect(second).toEqual(first);
  });

  it('skips properties whose capability the target lacks, with a reason', async () => {
    const server = await startFaultyServer('spc-missing');
    try {
      const record = await fuzz(server, { runs: 3, properties: ['create-get', 'filter-model'] });
      const byId = Object.fromEntries(fuzzResults(record).map((r) => [r.checkId, r]));
      expect(byId['fuzz.create-get']?.status).toBe('pass');
      expect(byId['fuzz.filter-model']?.status).toBe('skip');
      expect(byId['fuzz.filter-model']?.reason).toMatch(/filter/);
    } finally {
      await server.close();
    }
  });
});

// Correct servers that differ from the reference server the way SaaS endpoints do: every property
// they are fuzzed with holds (no false failure).
const CORRECT_VARIANTS: Array<{ name: string; options: IndependentServerOptions; properties: string[]; runs?: number; seed?: number }> = [
  // RFC 7644 §3.4.2.4: `count` is the "desired maximum"; a page size cap (filter.maxResults) returns fewer.
  { name: 'pages of at most 2 whatever count asks', options: { maxResults: 2 }, properties: ['filter-model', 'paging-partition', 'stateful-directory'] },
  // RFC 7644 §3.12: Table 9's 400 invalidFilter for a syntax error is a SHOULD (filter.invalid-400 warns);
  // an unknown operator is still refused (§3.4.2.2).
  { name: 'a filter that does not parse matches nothing (200, empty list)', options: { lenientFilters: true }, properties: ['invalid-input-4xx', 'filter-model'] },
  // RFC 7644 §3.4.2.3: without sortBy the order is the server's, and may change between requests
  // (§3.4.2.4); a walk over it repeated and missed users and failed the MUST property.
  { name: 'lists without sortBy in an order that changes between requests', options: { shuffle: 'alternate', sort: false }, properties: ['paging-partition'] },
  // RFC 7644 §3.3: the server may alter what it is sent. One that builds name.formatted from the
  // name's parts builds it again after a PATCH removes it or a PUT leaves it out; patch-model
  // failed it ("name: formatted should be absent").
  { name: 'name.formatted derived from the parts, emails lower-cased, manager given displayName and $ref', options: { derive: true }, properties: ['patch-model', 'stateful-directory'] },
  // RFC 7643 §4.1.2: service providers SHOULD canonicalize phoneNumbers.value (RFC 3966); one that
  // stores tel:+1-555-100-1000 as +15551001000 failed create-get ("phoneNumbers: the values differ").
  { name: 'phone numbers canonicalized: no tel:, no visual separators', options: { normalizePhones: true }, properties: ['create-get', 'patch-model', 'stateful-directory'] },
  // RFC 7643 §2.2: members declared returned "request" are shown only when `attributes` asks for them;
  // the stateful model read a Group without asking and failed "Group members are [], the model holds […]".
  { name: 'group members returned only on request', options: { membersOnRequest: true }, properties: ['stateful-directory', 'member-add-idempotent'] },
  // RFC 7644 §3.5.2.3 reads two ways when a replace's value filter names an attribute the user has
  // no value of: "an attribute that does not exist" is treated as an add, or the unmatched filter is
  // 400 noTarget. A server that adds the element the filter describes failed patch-model ("a PATCH
  // the RFC makes fail (no ims value has type aim (noTarget)) answered 200").
  { name: 'a replace through a value filter on an absent attribute adds the element', options: { replaceAbsentAdds: true }, properties: ['patch-model', 'stateful-directory'], runs: 60 },
  // The same server for invalid-input-4xx, whose fixture User holds no email: it failed the server for
  // adding the email a replace through emails[type eq "nosuchtype"].value describes ("SHALL fail with 400 noTarget").
  { name: 'a replace through a value filter on an absent attribute adds the element (invalid input)', options: { replaceAbsentAdds: true }, properties: ['invalid-input-4xx'], runs: 300 },
  // RFC 7644 §3.5.1: an attribute a PUT leaves out may get the server's default value (here active
  // true); it failed "the PUT response differs from the replacement: active should be absent but is true".
  { name: 'defaults assigned to what a PUT leaves out (active true)', options: { enrich: true }, properties: ['stateful-directory'], runs: 60, seed: 1 },
];

describe('against correct servers that are not the reference server', () => {
  for (const { name, options, properties, runs = 25, seed = 3 } of CORRECT_VARIANTS) {
    it(`every property holds: ${name}`, async () => {
      const server = await startIndependentServer(options);
      try {
        const record = await fuzz(server, { runs, properties }, seed);
        expect(fuzzResults(record).map((r) => `${r.checkId}: ${r.status}${r.status === 'pass' ? '' : ` ${r.message ?? r.reason ?? ''}`}`).sort()).toEqual(properties.map((p) => `fuzz.${p}: pass`).sort());
      } finally {
        await server.close();
      }
    });
  }
});

describe('scimproof fuzz', () => {
  it('exits 1 with a replay file on a bug, and the replay exits 0 once fixed', async () => {
    const faulty = await startFaultyServer('paging-zero-based');
    const clean = await startServer({ port: 0 });
    const out = mkdtempSync(join(tmpdir(), 'scimproof-fuzz-cli-'));
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      const common = { cleanup: true, out };
      expect(await fuzzCommand({ ...common, url: faulty.url, token: faulty.token, seed: '3', runs: '50', property: ['paging-partition'] })).toBe(1);
      const file = join(out, 'fuzz-paging-partition.replay.json');
      expect(existsSync(file)).toBe(true);
      const html = readFileSync(join(out, 'index.html'), 'utf8');
      expect(html).toContain('fuzz-counterexample');
      expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('fuzz.paging-partition');
      expect(await fuzzCommand({ cleanup: true, out: join(out, 'again'), url: faulty.url, token: faulty.token, replay: file })).toBe(1);
      expect(await fuzzCommand({ cleanup: true, out: join(out, 'fixed'), url: clean.url, token: clean.token, replay: file })).toBe(0);
      expect(await fuzzCommand({ cleanup: true, out: join(out, 'fromrun'), url: faulty.url, token: faulty.token, replay: join(out, 'run.json') })).toBe(1);

      // Written by another version: its seed may generate another case here, and a pass would claim a fix never tested.
      const older = join(out, 'older.replay.json');
      writeFileSync(older, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), version: '0.0.1' }));
      await expect(fuzzCommand({ cleanup: true, out: join(out, 'older'), url: clean.url, token: clean.token, replay: older })).rejects.toThrow(/older\.replay\.json was written by scimproof 0\.0\.1; this is \S+, whose generators may make another case.*--property paging-partition/);
      const olderRun = join(out, 'older-run.json');
      const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { meta: { version: string } };
      writeFileSync(olderRun, JSON.stringify({ ...run, meta: { ...run.meta, version: '0.0.1' } }));
      await expect(fuzzCommand({ cleanup: true, out: join(out, 'older-run'), url: clean.url, token: clean.token, replay: olderRun })).rejects.toThrow(UsageError);
    } finally {
      process.stdout.write = write;
      await faulty.close();
      await clean.close();
    }
  });

  it('reads durations', () => {
    expect(parseDuration('60s', '--time')).toBe(60_000);
    expect(parseDuration('2m', '--time')).toBe(120_000);
    expect(parseDuration('1500ms', '--time')).toBe(1500);
    expect(parseDuration('5', '--time')).toBe(5000);
    expect(() => parseDuration('soon', '--time')).toThrow(/duration/);
  });
});

describe('a time budget that runs out while a generated case is in flight', () => {
  // fast-check's time limit stops waiting for the case, not the case: it goes on in the
  // background. Against a correct server 150 ms away, with 100 ms per property, every property's
  // first case is still in flight when its share runs out.
  it('does not let that case overlap the next one: no failure, nothing left behind, no pass without a judged case', async () => {
    const { startProxy } = await import('../support/proxy.ts');
    const server = await startServer({ port: 0 });
    const far = await startProxy(server.url, server.token, { onRequest: () => new Promise<void>((resolve) => setTimeout(resolve, 150)) });
    try {
      const record = await fuzz({ url: far.url, token: server.token }, { timeMs: 800 });
      const results = fuzzResults(record);
      expect(results.length).toBeGreaterThan(0);
      expect(results.filter((r) => r.status !== 'pass' && r.status !== 'skip').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
      // A pass names the cases it judged (at least one); a property that judged none is skipped, saying why.
      for (const r of results) {
        if (r.status === 'pass') expect(r.message).toMatch(/^[1-9]\d* generated cases passed/);
        // (The share is what is left divided among the properties still to run: 100 ms on an idle
        // machine, less on a busy one, where the run's own start took some of the 800 ms.)
        else expect(r.reason).toMatch(/^not judged: no generated case finished within this property's share of the time budget \(\d+ ms of --time 800 ms\)|^not judged: the server refused|requires|not advertised|does not/);
      }
      expect(record.leftovers ?? []).toEqual([]);
      expect(record.cleanup.every((c) => c.status === 'deleted' || c.status === 'gone')).toBe(true);
    } finally {
      await far.close();
      await server.close();
    }
  });
});

describe('FuzzTarget.settled()', () => {
  it('waits for an evaluation nobody awaits any more (one a time limit abandoned) before the target is used again', async () => {
    const { FuzzTarget } = await import('../../src/fuzz/target.ts');
    const target = new FuzzTarget({ client: { baseUrl: 'http://127.0.0.1:9/scim/v2', auth: { kind: 'none' } }, prefix: 'spfx-', keep: false });
    target.beginProperty('t', 'fuzz.t');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const abandoned = target.run(async () => {
      await gate;
      return target.uniqueName('u');
    });
    let settled = false;
    const waiting = target.settled().then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    release();
    await waiting;
    // It finished in its own scope, which is gone only now.
    expect((await abandoned).value).toBe('spfx-t1-u1.');
    expect(() => target.runPrefix).toThrow(/outside a run/);
    await target.close();
  });
});
