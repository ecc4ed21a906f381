// The CI recipes (docs/ci.md) as far as they run offline: action.yml is a well-formed composite
// action whose steps run here (the `uses:` steps aside) against a real server; the shell recipe
// gates on the exit code; the GitLab recipe's shard jobs and merge job run as written; and every
// scimproof option a recipe uses exists.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startFaultyServer, type FaultyServer } from '../support/faulty-server.ts';
import { CLI } from '../support/cli.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;
/** How the recipes' `npx scimproof@…` is called here: the sources, through tsx. */
const SCIMPROOF = [process.execPath, ...CLI].join(' ');

interface Step { id?: string; if?: string; uses?: string; shell?: string; run?: string; env?: Record<string, string>; with?: Record<string, string> }
interface Action { name: string; inputs: Record<string, { required?: boolean; default?: string }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: Step[] } }
const action = parse(readFileSync(join(repo, 'action.yml'), 'utf8')) as Action;
const gitlab = parse(readFileSync(join(repo, 'docs/ci/gitlab-ci.yml'), 'utf8')) as Record<string, { script?: string[]; artifacts?: { reports?: { junit?: string } } }>;

function sh(script: string, env: Record<string, string>, cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** GitHub's `${{ … }}` for what action.yml uses: inputs and step outputs; anything else is an error here. */
function expand(text: string, inputs: Record<string, string>, outputs: Record<string, Record<string, string>>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    const input = /^inputs\.([\w-]+)$/.exec(expr);
    if (input) return inputs[input[1]!] ?? action.inputs[input[1]!]?.default ?? '';
    const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
    if (output) return outputs[output[1]!]?.[output[2]!] ?? '';
    throw new Error(`action.yml uses an expression this test does not evaluate: ${expr}`);
  });
}

const readOutputs = (file: string): Record<string, string> =>
  Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

/** The `if:` forms action.yml uses: `always()`, `inputs.x == 'v'` / `!= 'v'`, joined by `&&`. */
function holds(condition: string | undefined, inputs: Record<string, string>): boolean {
  if (condition === undefined) return true;
  return condition.split('&&').map((c) => c.trim()).every((c) => {
    if (c === 'always()') return true;
    const m = /^inputs\.([\w-]+) (==|!=) '([^']*)'$/.exec(c);
    if (!m) throw new Error(`action.yml has a condition this test does not evaluate: ${c}`);
    const value = inputs[m[1]!] ?? action.inputs[m[1]!]?.default ?? '';
    return m[2] === '==' ? value === m[3] : value !== m[3];
  });
}

/**
 * Runs the action's `run:` steps as the runner would, after the install step (SCIMPROOF is given),
 * and returns what each `uses:` step that runs would be given (`with`, expanded), keyed by action.
 */
async function runAction(inputs: Record<string, string>, cwd: string): Promise<{ code: number | null; outputs: Record<string, Record<string, string>>; uses: Record<string, Record<string, string>>; summary: string; log: string }> {
  const outputs: Record<string, Record<string, string>> = {};
  const uses: Record<string, Record<string, string>> = {};
  const summary = join(cwd, 'summary.md');
  writeFileSync(summary, '');
  let code: number | null = 0;
  let log = '';
  for (const [i, step] of action.runs.steps.entries()) {
    if (!holds(step.if, inputs)) continue;
    if (step.uses) {
      uses[step.uses.split('@')[0]!] = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(String(v), inputs, outputs)]));
      continue;
    }
    if (step.id === 'install') continue;
    const output = join(cwd, `output-${i}`);
    writeFileSync(output, '');
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v, inputs, outputs)]));
    const r = await sh(expand(step.run!, inputs, outputs), { ...env, SCIMPROOF, GITHUB_ACTION_PATH: repo, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary }, cwd);
    log += r.out;
    if (step.id) outputs[step.id] = readOutputs(output);
    code = r.code;
    if (code !== 0) break;
  }
  return { code, outputs, uses, summary: readFileSync(summary, 'utf8'), log };
}

/** Every `--option` a recipe passes to `scimproof <command>` must exist on that command. */
async function unknownOptions(line: string): Promise<string[]> {
  const words = line.split(/\s+/);
  const at = words.findIndex((w) => /^scimproof(@\S+)?$/.test(w) || w.endsWith('/scimproof'));
  const name = words[at + 1]!;
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) return [`unknown command ${name}`];
  const program = new Command('scimproof');
  (await entry.load())(program);
  const known = new Set(program.commands.find((c) => c.name() === name)!.options.map((o) => o.long));
  return words.slice(at + 2).filter((w) => w.startsWith('--')).map((w) => w.split('=')[0]!).filter((w) => !known.has(w));
}

let server: RunningServer;
let faulty: FaultyServer;
beforeAll(async () => {
  server = await startServer({ port: 0 });
  faulty = await startFaultyServer('create-returns-200');
});
afterAll(async () => {
  await server.close();
  await faulty.close();
});

describe('action.yml', () => {
  it('is a composite action whose expressions name declared inputs and existing steps', () => {
    expect(action.runs.using).toBe('composite');
    const text = readFileSync(join(repo, 'action.yml'), 'utf8');
    const inputs = [...text.matchAll(/inputs\.([\w-]+)/g)].map((m) => m[1]!);
    expect(inputs.filter((i) => !(i in action.inputs))).toEqual([]);
    const ids = new Set(action.runs.steps.map((s) => s.id).filter(Boolean));
    expect([...text.matchAll(/steps\.([\w-]+)\.outputs/g)].map((m) => m[1]!).filter((id) => !ids.has(id))).toEqual([]);
    for (const step of action.runs.steps) expect(step.uses ?? step.shell).toBeTruthy();
    for (const name of ['exit-code', 'report-dir', 'junit']) expect(action.outputs[name]?.value).toMatch(/steps\.run\.outputs/);
    expect(action.inputs.url?.required).toBe(true);
    // The token reaches the run through the environment only, never the command line.
    expect(action.runs.steps.find((s) => s.id === 'run')?.env?.SCIM_TOKEN).toBe('${{ inputs.token }}');
  });

  it('runs the suites, writes outputs and the job summary, and fails the job when a check fails', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'scimproof-action-'));
    const r = await runAction({ url: faulty.url, token: faulty.token, suites: 'core', args: '--only users.create.*', shard: '1/1' }, cwd);
    expect(r.code, r.log).toBe(1);
    expect(r.outputs.run).toMatchObject({ 'exit-code': '1', 'report-dir': 'reports/scimproof/shard-1', junit: 'reports/scimproof/shard-1/junit.xml' });
    expect(r.outputs.artifact?.name).toBe('scimproof-report-shard-1');
    expect(r.uses['actions/upload-artifact']).toMatchObject({ name: 'scimproof-report-shard-1', path: 'reports/scimproof/shard-1' });
    for (const file of ['index.html', 'run.json', 'junit.xml', 'summary.md']) expect(existsSync(join(cwd, 'reports/scimproof/shard-1', file))).toBe(true);
    expect(r.summary).toContain('scimproof: FAIL');
    expect(r.summary).toContain('`users.create.status`');
    expect(r.summary + r.log).not.toContain(faulty.token);
  }, 120_000);

  // A secret the job cannot see (a fork's pull request) leaves `url` empty: the script refused in
  // one line but wrote no step outputs, so the upload step got `path: ''` and failed with
  // upload-artifact's "Input required and not supplied: path" above that line.
  it('without a URL, stops the job with exit 2 and still gives the upload step its report path', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'scimproof-action-'));
    const r = await runAction({ url: '', token: '' }, cwd);
    expect(r.code, r.log).toBe(2);
    expect(r.outputs.run).toEqual({ 'exit-code': '2', 'report-dir': 'reports/scimproof', junit: 'reports/scimproof/junit.xml' });
    expect(r.uses['actions/upload-artifact']).toMatchObject({ name: 'scimproof-report', path: 'reports/scimproof', 'if-no-files-found': 'warn' });
    expect(r.log.trim().split('\n')).toEqual([expect.stringMatching(/^scimproof-ci: set SCIM_BASE_URL/)]);
    const unsplittable = await runAction({ url: server.url, args: "--header 'X-Tenant: a" }, cwd);
    expect(unsplittable.code, unsplittable.log).toBe(2);
    expect(unsplittable.uses['actions/upload-artifact']?.path).toBe('reports/scimproof');
  });

  it('sets up Node only when asked, and uploads nothing when told not to', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'scimproof-action-'));
    const r = await runAction({ url: '', 'upload-report': 'false', 'node-version': '' }, cwd);
    expect(r.uses).toEqual({});
    expect(r.code).toBe(2);
  });

  it('passes the job against a conforming server', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'scimproof-action-'));
    const r = await runAction({ url: server.url, token: server.token, suites: 'core', args: '--only users.create.*' }, cwd);
    expect(r.code, r.log).toBe(0);
    expect(r.outputs.artifact?.name).toBe('scimproof-report');
    expect(r.uses['actions/setup-node']).toEqual({ 'node-version': '20' });
    expect(r.uses['actions/upload-artifact']).toMatchObject({ name: 'scimproof-report', path: 'reports/scimproof' });
    expect(r.summary).toContain('scimproof: PASS');
  }, 120_000);
});

describe('the shell recipe', () => {
  it('refuses to run without a URL, in one line', async () => {
    const r = await sh(`bash ${join(repo, 'docs/ci/scimproof-ci.sh')}`, { SCIM_BASE_URL: '', SCIMPROOF }, mkdtempSync(join(tmpdir(), 'scimproof-sh-')));
    expect(r.code).toBe(2);
    expect(r.out.trim().split('\n')).toHaveLength(1);
  });

  // SCIMPROOF_ARGS (the action's `args`) was split on spaces: `--header 'X-Api-Key: k 1'` reached
  // scimproof as three words with the quotes in them.
  it('splits SCIMPROOF_ARGS as a shell would, runs nothing in it, and refuses an unmatched quote in one line', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'scimproof-sh-'));
    // Stands in for scimproof: prints each argument it gets on a line of its own.
    writeFileSync(join(cwd, 'args.sh'), 'for a in "$@"; do printf "<%s>\\n" "$a"; done\n');
    const env = { SCIM_BASE_URL: 'http://127.0.0.1:9/scim/v2', SCIMPROOF: `bash ${join(cwd, 'args.sh')}` };
    const r = await sh(`bash ${join(repo, 'docs/ci/scimproof-ci.sh')}`, { ...env, SCIMPROOF_ARGS: `--header 'X-Api-Key: k 1' --only "users.create.*" $(touch ran) a\\ b` }, cwd);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('<--header>\n<X-Api-Key: k 1>\n<--only>\n<users.create.*>\n<$(touch>\n<ran)>\n<a b>\n');
    expect(existsSync(join(cwd, 'ran'))).toBe(false);
    const bad = await sh(`bash ${join(repo, 'docs/ci/scimproof-ci.sh')}`, { ...env, SCIMPROOF_ARGS: "--header 'X-Api-Key: k" }, cwd);
    expect(bad.code, bad.out).toBe(2);
    expect(bad.out.trim().split('\n')).toEqual([expect.stringContaining('SCIMPROOF_ARGS cannot be split into arguments')]);
    // An --out there moved the report away from the directory the outputs and the upload name.
    for (const args of ['--out elsewhere', '--only users.* --out=elsewhere']) {
      const out = await sh(`bash ${join(repo, 'docs/ci/scimproof-ci.sh')}`, { ...env, SCIMPROOF_ARGS: args }, cwd);
      expect(out.code, out.out).toBe(2);
      expect(out.out.trim().split('\n')).toEqual(['scimproof-ci: give the report directory as SCIMPROOF_OUT (the action\'s report-dir), not --out in SCIMPROOF_ARGS']);
    }
  });
});

describe('the shell recipe when scimproof itself never ran', () => {
  // npx answers 1 when it cannot fetch the package (a version not on the registry, no network):
  // the recipe passed that on as "a check failed" (exit 1), for a run that never happened.
  it('turns an exit 1 without a report into exit 2 with one line', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'scimproof-sh-'));
    writeFileSync(join(cwd, 'npx-404.sh'), 'echo "npm error 404 Not Found - GET https://registry.npmjs.org/scimproof" >&2; exit 1\n');
    const output = join(cwd, 'output');
    writeFileSync(output, '');
    const r = await sh(`bash ${join(repo, 'docs/ci/scimproof-ci.sh')}`, { SCIM_BASE_URL: server.url, SCIMPROOF: `bash ${join(cwd, 'npx-404.sh')}`, GITHUB_OUTPUT: output }, cwd);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/scimproof-ci: 'bash \S+npx-404\.sh' exited 1 without writing reports\/scimproof\/run\.json, so scimproof did not run/);
    expect(readOutputs(output)['exit-code']).toBe('2');
    // A real FAIL (exit 1 with its report) stays 1: 'runs the suites … fails the job when a check fails' above.
  });
});

describe('the GitLab recipe', () => {
  it('pins this version and uses only options that exist', async () => {
    const lines = Object.values(gitlab).flatMap((job) => (typeof job === 'object' && job && 'script' in job ? job.script ?? [] : []));
    expect(lines.length).toBe(2);
    for (const line of lines) {
      expect(line).toContain(`scimproof@${VERSION} `);
      expect(await unknownOptions(line)).toEqual([]);
    }
  });

  it('its shard jobs and merge job run as written and give one report of the whole run', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'scimproof-gitlab-'));
    const npx = `npx --yes scimproof@${VERSION}`;
    const [runLine] = gitlab.scimproof!.script!;
    const [mergeLine] = gitlab['scimproof-report']!.script!;
    const env = { SCIM_BASE_URL: server.url, SCIM_TOKEN: server.token, CI_NODE_TOTAL: '2' };
    // A short run keeps the test quick; the lines are otherwise exactly the recipe's.
    const shards = await Promise.all(['1', '2'].map((i) => sh(`${runLine!.replace(npx, SCIMPROOF)} --suite core`, { ...env, CI_NODE_INDEX: i }, cwd)));
    for (const s of shards) expect(s.code, s.out).toBe(0);
    expect(existsSync(join(cwd, 'reports/shard-2/junit.xml'))).toBe(true);
    expect(gitlab.scimproof!.artifacts?.reports?.junit).toBe('reports/shard-*/junit.xml');
    const merged = await sh(mergeLine!.replace(npx, SCIMPROOF), env, cwd);
    expect(merged.code, merged.out).toBe(0);
    expect(merged.out).toContain('Merged 2 run records');
    const record = JSON.parse(readFileSync(join(cwd, 'reports/merged/run.json'), 'utf8')) as { meta: { mergedFrom: string[] } };
    expect(record.meta.mergedFrom).toHaveLength(2);
  }, 120_000);
});

describe('the GitLab recipe without its URL variable', () => {
  it('stops with exit 2 in one line: a protected variable missing on a branch must not test the built-in server and pass', async () => {
    const [runLine] = gitlab.scimproof!.script!;
    const r = await sh(runLine!.replace(`npx --yes scimproof@${VERSION}`, SCIMPROOF), { SCIM_BASE_URL: '', SCIM_TOKEN: '', CI_NODE_INDEX: '1', CI_NODE_TOTAL: '3' }, mkdtempSync(join(tmpdir(), 'scimproof-gitlab-')));
    expect(r.code, r.out).toBe(2);
    expect(r.out.trim()).toMatch(/^scimproof: --url is empty/);
  });
});

describe('docs/ci.md', () => {
  it('uses only options that exist, and pins this version', async () => {
    const text = readFileSync(join(repo, 'docs/ci.md'), 'utf8');
    const lines = [...text.matchAll(/\bscimproof(?:@\S+)? (?:run|report|fuzz|serve|idp)\b[^`\n]*/g)].map((m) => m[0]).filter((l) => l.includes('--'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(await unknownOptions(line)).toEqual([]);
    for (const pinned of text.matchAll(/scimproof@(\d[\w.-]*)/g)) expect(pinned[1]).toBe(VERSION);
  });
});
