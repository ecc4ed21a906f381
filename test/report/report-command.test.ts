import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerReport } from '../../src/cli/report.ts';
import { RunError, UsageError } from '../../src/cli/errors.ts';
import { SAMPLE_PATH } from './records.ts';
import { hasStack, runMain } from '../support/cli.ts';

const sample = fileURLToPath(SAMPLE_PATH);
const tmp = (): string => mkdtempSync(join(tmpdir(), 'scimproof-report-cmd-'));

async function run(...args: string[]): Promise<string> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    const program = new Command('scimproof').exitOverride();
    registerReport(program);
    await program.parseAsync(['node', 'scimproof', 'report', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}

afterEach(() => vi.restoreAllMocks());

describe('scimproof report', () => {
  it('re-renders every format into --out', async () => {
    const dir = tmp();
    const out = await run(sample, '--out', dir);
    for (const name of ['run.json', 'index.html', 'junit.xml']) expect(existsSync(join(dir, name))).toBe(true);
    expect(out).toContain('Verdict: FAIL');
    expect(out).toContain(`HTML report: ${join(dir, 'index.html')}`);
  });

  it('writes only the files asked for', async () => {
    const dir = tmp();
    await run(sample, '--junit', join(dir, 'j.xml'));
    expect(existsSync(join(dir, 'j.xml'))).toBe(true);
    expect(existsSync(join(dir, 'index.html'))).toBe(false);
  });

  it('defaults to index.html and junit.xml next to run.json', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'run.json'), readFileSync(sample));
    await run(join(dir, 'run.json'));
    expect(existsSync(join(dir, 'index.html'))).toBe(true);
    expect(existsSync(join(dir, 'junit.xml'))).toBe(true);
  });

  it('refuses a missing file with a usage error', async () => {
    await expect(run(join(tmp(), 'nope.json'))).rejects.toThrow(UsageError);
  });

  it('refuses malformed JSON and the wrong shape with a one-line run error', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.json'), '{"meta": ');
    await expect(run(join(dir, 'bad.json'))).rejects.toThrow(RunError);
    writeFileSync(join(dir, 'shape.json'), JSON.stringify({ meta: { target: 'x' }, results: [{ checkId: 'a', status: 'bogus' }], exchanges: [] }));
    const error = await run(join(dir, 'shape.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    expect((error as Error).message).toMatch(/is not a scimproof run record: results\/0\/status: must be one of/);
    expect((error as Error).message).not.toContain('\n');
  });

  // Node's message quotes the text with its line breaks; cut at the first, a shard file that was
  // not JSON read `not valid JSON (Unexpected token 'h', "hello)`.
  it('--merge names where a shard file stops being JSON, and an HTML or XML report given for run.json, in one line', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'text.json'), 'hello\n');
    writeFileSync(join(dir, 'cut.json'), '{\n  "meta": {\n    "target": "x",\n  }\n}\n');
    writeFileSync(join(dir, 'index.html'), '<!DOCTYPE html>\n<html lang="en"><head><title>scimproof</title></head></html>\n');
    const refusal = async (file: string): Promise<string> => {
      const error = await run('--merge', sample, join(dir, file), '--out', join(dir, 'merged')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunError);
      return (error as Error).message;
    };
    expect(await refusal('text.json')).toBe(`${join(dir, 'text.json')} is not a scimproof run record: not valid JSON (Unexpected token 'h' at line 1, column 1)`);
    expect(await refusal('cut.json')).toMatch(/is not a scimproof run record: not valid JSON \(.+ at line 4, column 3\)$/);
    expect(await refusal('index.html')).toBe(`${join(dir, 'index.html')} is not a scimproof run record: an HTML or XML file, not JSON (index.html or junit.xml?); give the run.json beside it`);
    expect(existsSync(join(dir, 'merged'))).toBe(false);
  });

  it("names the place in a damaged record, and refuses another tool's report ('findings is not iterable' before)", async () => {
    const dir = tmp();
    const sample = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as Record<string, unknown> & { meta: Record<string, unknown>; results: Record<string, unknown>[] };
    const damaged: [string, (r: typeof sample) => void, RegExp][] = [
      ['findings', (r) => { r.findings = 5; }, /: findings: not an array$/],
      ['leftovers', (r) => { r.leftovers = 'x'; }, /: leftovers: not an array$/],
      ['profile', (r) => { r.profileVerdict = 'x'; }, /: profileVerdict: not an object$/],
      ['message', (r) => { r.results[1]!.message = 5; }, /: results\/1\/message: not a string$/],
      ['foreign', (r) => { r.meta.tool = 'newman'; }, /: meta\/tool: written by "newman", not scimproof$/],
    ];
    for (const [name, damage, message] of damaged) {
      const record = structuredClone(sample);
      damage(record);
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(record));
      const error = await run(join(dir, `${name}.json`)).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(RunError);
      expect((error as Error).message, name).toMatch(message);
    }
  });

  it('renders a minimal hand-written record', async () => {
    const dir = tmp();
    const minimal = { meta: { target: 'https://x.example/scim' }, results: [{ checkId: 'a.b', status: 'fail', exchangeIds: ['x9'] }], exchanges: [] };
    writeFileSync(join(dir, 'run.json'), JSON.stringify(minimal));
    await run(join(dir, 'run.json'), '--out', join(dir, 'out'));
    const html = readFileSync(join(dir, 'out', 'index.html'), 'utf8');
    expect(html).toContain('Exchange x9 is not in the run record.');
  });

  it('--merge joins shard records into one report and exits as the joined run would', async () => {
    const dir = tmp();
    const shard = (index: number): string => {
      const record = JSON.parse(readFileSync(sample, 'utf8')) as { meta: Record<string, unknown> };
      record.meta = { ...record.meta, runId: `shard${index}`, shard: { index, total: 2 } };
      writeFileSync(join(dir, `s${index}.json`), JSON.stringify(record));
      return join(dir, `s${index}.json`);
    };
    process.exitCode = undefined;
    const out = await run('--merge', shard(1), shard(2), '--out', join(dir, 'merged'));
    expect(out).toContain('Merged 2 run records');
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    const merged = JSON.parse(readFileSync(join(dir, 'merged', 'run.json'), 'utf8')) as { meta: { mergedFrom: string[] } };
    expect(merged.meta.mergedFrom).toEqual(['shard1', 'shard2']);
    await expect(run(shard(1), shard(2))).rejects.toThrow(/add --merge/);
  });

  it('--merge without every shard is INCOMPLETE and exits 3, in the report and on the console', async () => {
    const dir = tmp();
    const record = JSON.parse(readFileSync(sample, 'utf8')) as { meta: Record<string, unknown>; results: { status: string }[] };
    // Only passes, so that nothing but the missing shard can make the joined run anything but a PASS.
    record.results = record.results.filter((r) => r.status === 'pass');
    record.meta = { ...record.meta, runId: 'shard1', shard: { index: 1, total: 2 } };
    writeFileSync(join(dir, 's1.json'), JSON.stringify(record));
    // It read "Verdict: PASS" and exited 0: a merge job whose other shard never uploaded its record passed.
    const { code, printed } = await runMain(['report', '--merge', join(dir, 's1.json'), '--out', join(dir, 'merged')]);
    expect(code, printed).toBe(3);
    expect(printed).toContain('scimproof: shard 2/2 not given; the report covers only the shards merged (INCOMPLETE, exit 3)');
    expect(printed).toContain('Verdict: INCOMPLETE — Shard 2/2 not merged: this report covers only part of the run');
    expect(readFileSync(join(dir, 'merged', 'index.html'), 'utf8')).toContain('Shard 2/2 not merged');
  });

  it('--merge refuses records of different runs with one line and exit 2: another target, version or suites, a whole run among shards', async () => {
    const dir = tmp();
    const write = (name: string, meta: Record<string, unknown>): string => {
      const record = JSON.parse(readFileSync(sample, 'utf8')) as { meta: Record<string, unknown> };
      record.meta = { ...record.meta, runId: name, ...meta };
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(record));
      return join(dir, `${name}.json`);
    };
    const first = write('a', { shard: { index: 1, total: 2 } });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ target: 'https://other.example.com/scim/v2' }, /different targets/],
      [{ version: '9.9.9' }, /different scimproof versions/],
      [{ suites: ['core'] }, /different suites/],
      [{ shard: undefined }, /is not a shard/],
      // A shard run with --only (or another --dialect) joined to one without gave a report of neither run.
      [{ selection: { only: ['users.*'] } }, /different selections \(--only, --skip, --dialect\) \(none and --only users\.\*\)/],
    ];
    for (const [meta, message] of cases) {
      const second = write('b', { shard: { index: 2, total: 2 }, ...meta });
      const { code, printed } = await runMain(['report', '--merge', first, second, '--out', join(dir, 'merged')]);
      expect(code, printed).toBe(2);
      expect(printed).toMatch(message);
      expect(printed.trim().split('\n'), printed).toHaveLength(1);
      expect(hasStack({ stdout: printed, stderr: '' })).toBe(false);
    }
    expect(existsSync(join(dir, 'merged'))).toBe(false);
  });
});

// A baseline written by one shard (`run --shard i/n --write-baseline`) held only that shard's
// failures, and the shards of a CI matrix wrote over one another's file.
describe('baselines and seeds of sharded runs', () => {
  const shards = (dir: string, seeds: [number, number] = [7, 7]): [string, string] => {
    const files = ([1, 2] as const).map((index) => {
      const record = JSON.parse(readFileSync(sample, 'utf8')) as { meta: Record<string, unknown>; results: Array<{ checkId: string; status: string }> };
      // Each shard fails a check of its own (and the sample's failures are in shard 1 only).
      record.results = index === 1 ? record.results : [...record.results.filter((r) => r.status === 'pass'), { ...record.results.find((r) => r.status === 'fail')!, checkId: 'shard2.only.failure' }];
      record.meta = { ...record.meta, runId: `shard${index}`, seed: seeds[index - 1], shard: { index, total: 2 } };
      writeFileSync(join(dir, `s${index}.json`), JSON.stringify(record));
      return join(dir, `s${index}.json`);
    });
    return [files[0]!, files[1]!];
  };

  it('report --merge --write-baseline writes the failures of every shard', async () => {
    const dir = tmp();
    const [a, b] = shards(dir);
    const { code, printed } = await runMain(['report', '--merge', a, b, '--out', join(dir, 'merged'), '--write-baseline', join(dir, 'baseline.json')]);
    expect(code, printed).toBe(1);
    const failures = Object.keys((JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8')) as { expectedFailures: Record<string, string> }).expectedFailures);
    expect(failures).toContain('shard2.only.failure');
    expect(failures).toContain('users.create.location-header');
    expect(printed).toMatch(/Baseline: \d+ failed check\(s\) written to/);
    expect(printed).not.toContain('different seeds');
  });

  it('refuses a baseline from a merge that lacks a shard, and one from a single shard run, with one line', async () => {
    const dir = tmp();
    const [a] = shards(dir);
    const partial = await runMain(['report', '--merge', a, '--out', join(dir, 'merged'), '--write-baseline', join(dir, 'baseline.json')]);
    expect(partial.code, partial.printed).toBe(2);
    expect(partial.printed).toContain('--write-baseline: shard 2/2 not given, so the baseline would miss their failures');
    expect(existsSync(join(dir, 'baseline.json'))).toBe(false);
    const sharded = await runMain(['run', '--shard', '1/2', '--write-baseline', join(dir, 'baseline.json')]);
    expect(sharded.code, sharded.printed).toBe(2);
    expect(sharded.printed).toContain("--write-baseline with --shard would hold only this shard's failures");
    expect(hasStack({ stdout: sharded.printed, stderr: '' })).toBe(false);
  });

  it('a baseline that cannot be written is one line, not a stack trace; report re-renders from one record', async () => {
    const dir = tmp();
    const { code, printed } = await runMain(['report', sample, '--out', join(dir, 'out'), '--write-baseline', join(dir, 'no', 'such', 'dir', 'b.json')]);
    expect(code, printed).toBe(2);
    expect(printed).toMatch(/cannot write the baseline .*b\.json: ENOENT/);
    expect(hasStack({ stdout: printed, stderr: '' })).toBe(false);
    const ok = await runMain(['report', sample, '--out', join(dir, 'out'), '--write-baseline', join(dir, 'b.json')]);
    expect(ok.code, ok.printed).toBe(0);
    expect(existsSync(join(dir, 'b.json'))).toBe(true);
  });

  it('says so when the shards ran with different seeds', async () => {
    const dir = tmp();
    const [a, b] = shards(dir, [7, 8]);
    const { printed } = await runMain(['report', '--merge', a, b, '--out', join(dir, 'merged')]);
    expect(printed).toContain('the shards ran with different seeds (7, 8); the report names 7');
  });
});
