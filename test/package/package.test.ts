// The package as a user gets it: `npm pack`, installed into an empty project from the tarball
// (dependencies from the npm cache, offline), then the CLI, the library API from a plain .mjs
// file and a vitest file using `scimproof/vitest`, all with plain Node and no TypeScript loader.
// One pack and one install for the whole file: it is the slowest test of the suite.
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startFaultyServer, type FaultyServer } from '../support/faulty-server.ts';
import { consumerLock } from './consumer-lock.ts';

const exec = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const SLOW = 600_000;

interface Packed {
  filename: string;
  integrity: string;
  size: number;
  unpackedSize: number;
  files: { path: string; mode?: number }[];
}

/** The environment of a user's shell: no vitest worker variables, no loader in NODE_OPTIONS. */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^VITEST|^NODE_OPTIONS$|^TSX/.test(k)));
  return { ...env, NO_COLOR: '1', SCIM_BASE_URL: '', SCIM_TOKEN: '', ...extra };
}

function run(command: string, args: string[], cwd: string, env = plainEnv()): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let work: string;
let consumer: string;
let packed: Packed;
let server: RunningServer;
let faulty: FaultyServer;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'scimproof-pack-'));
  consumer = join(work, 'consumer');
  // `npm pack` runs `prepare`, so the tarball holds a fresh build of the sources under test.
  const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo, env: plainEnv(), maxBuffer: 16 * 1024 * 1024 });
  packed = (JSON.parse(stdout.slice(stdout.indexOf('['))) as Packed[])[0]!;
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Record<string, unknown>;
  const manifest = Object.fromEntries(['version', 'license', 'dependencies', 'bin', 'engines', 'peerDependencies', 'peerDependenciesMeta'].filter((k) => pkg[k] !== undefined).map((k) => [k, pkg[k]]));
  const vitestVersion = (JSON.parse(readFileSync(join(repo, 'node_modules/vitest/package.json'), 'utf8')) as { version: string }).version;
  const { packageJson, lock } = consumerLock(join(repo, 'package-lock.json'), { file: `../${packed.filename}`, integrity: packed.integrity, manifest }, { vitest: vitestVersion });
  await exec('mkdir', ['-p', consumer]);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify(packageJson, null, 2));
  writeFileSync(join(consumer, 'package-lock.json'), JSON.stringify(lock, null, 2));
  for (const file of ['api.mjs', 'conformance.test.mjs', 'types.mts', 'require.cjs', 'types.cts']) copyFileSync(fileURLToPath(new URL(`./consumer/${file}`, import.meta.url)), join(consumer, file));
  await exec('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: consumer, env: plainEnv(), maxBuffer: 16 * 1024 * 1024 });
  server = await startServer({ port: 0 });
  faulty = await startFaultyServer('create-returns-200');
}, SLOW);

afterAll(async () => {
  await server?.close();
  await faulty?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package, installed into an empty project', () => {
  it('holds only what users need: compiled JS with declarations, the suites, the directory fixtures and the schema extension one of them needs, and the licence its package.json names', () => {
    const paths = packed.files.map((f) => f.path);
    const stray = paths.filter((p) => !/^(dist\/|suites\/|fixtures\/(directories|schemas)\/|package\.json$|README\.md$|LICENSE$)/.test(p));
    expect(stray).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
    for (const needed of ['dist/cli/bin.js', 'dist/index.js', 'dist/index.d.ts', 'dist/vitest.js', 'dist/vitest.d.ts', 'dist/report/html/templates/layout.hbs', 'dist/suite/suite.schema.json', 'dist/report/run-record.schema.json', 'dist/cli/config.schema.json', 'dist/idp/directory.schema.json', 'suites/core/01-users.json', 'suites/profiles.json', 'fixtures/directories/northwind-entra-mappings.json', 'fixtures/schemas/acme-user-extension.json', 'LICENSE']) {
      expect(paths).toContain(needed);
    }
    const dependencies = Object.keys((JSON.parse(readFileSync(join(consumer, 'node_modules/scimproof/package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    expect(dependencies).not.toContain('tsx');
  });

  it('the build leaves the bin executable, so `npx scimproof` in a clone runs it even when npx cached an earlier install and does not chmod again', () => {
    // `npm pack` ran `prepare` (the build) in the repository above, as `npm ci` does in a clone.
    expect(statSync(join(repo, 'dist/cli/bin.js')).mode & 0o111).toBe(0o111);
    expect((packed.files.find((f) => f.path === 'dist/cli/bin.js')?.mode ?? 0) & 0o111).toBe(0o111);
  });

  it('`scimproof run` works with plain Node: the full default run, assets found in the package, the report in the project', async () => {
    const version = await run(join(consumer, 'node_modules/.bin/scimproof'), ['--version'], consumer);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version);
    const r = await run(join(consumer, 'node_modules/.bin/scimproof'), ['run', '--seed', '1'], consumer);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const runs = readdirSync(join(consumer, 'reports'));
    expect(runs).toHaveLength(1);
    for (const file of ['index.html', 'run.json', 'junit.xml']) expect(existsSync(join(consumer, 'reports', runs[0]!, file))).toBe(true);
    const record = JSON.parse(readFileSync(join(consumer, 'reports', runs[0]!, 'run.json'), 'utf8')) as { meta: { suites: string[] }; summary: { total: number; fail: number } };
    expect(record.meta.suites).toEqual(['core', 'cursor', 'entra', 'okta', 'fuzz']);
    expect(record.summary.fail).toBe(0);
    expect(record.summary.total).toBeGreaterThan(300);
  }, SLOW);

  it('serves the library API to a plain .mjs file', async () => {
    const r = await run(process.execPath, ['api.mjs'], consumer, plainEnv({ FAULTY_URL: faulty.url, FAULTY_TOKEN: faulty.token }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const seen = JSON.parse(r.stdout) as Record<string, unknown> & { good: { fail: number; pass: number }; bad: { fail: number }; explanation: string; idp: { status: string; requests: number } };
    expect(seen.good.fail).toBe(0);
    expect(seen.good.pass).toBeGreaterThan(0);
    expect(seen.bad.fail).toBeGreaterThan(0);
    expect(seen.failingCheck).toBe('users.create.status');
    expect(seen.explanation).toMatch(/^users\.create\.status: /);
    expect(seen.explanation).toContain('Reproduce with:');
    expect(seen.explanation).not.toContain(faulty.token);
    expect(seen.html).toBe(true);
    expect(seen.junit).toBe(true);
    expect(seen.idp.status).toBe('ok');
    expect(seen.idp.requests).toBeGreaterThan(0);
    expect(seen.merged).toBe(seen.good.pass + seen.good.fail);
  }, SLOW);

  it('its declarations serve a strict TypeScript consumer under every moduleResolution (node16, nodenext, bundler, the old node10): the documented examples compile, no exported type is any', async () => {
    // The examples pass `process.env.SCIM_TOKEN` (string | undefined): under exactOptionalPropertyTypes
    // that did not compile against `token?: string`. Lib checks on for node16, so the .d.ts files themselves are checked.
    // node10 reads no `exports`: 'scimproof/vitest' was "Cannot find module" there until package.json's typesVersions.
    const tsc = join(repo, 'node_modules/typescript/bin/tsc');
    const configs = [
      { name: 'node16', module: 'node16', moduleResolution: 'node16', skipLibCheck: false },
      { name: 'nodenext', module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: true },
      { name: 'bundler', module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true },
      { name: 'node10', module: 'esnext', moduleResolution: 'node10', skipLibCheck: true },
    ];
    const results = await Promise.all(configs.map(({ name, ...options }) => {
      const file = join(consumer, `tsconfig.${name}.json`);
      writeFileSync(file, JSON.stringify({ compilerOptions: { strict: true, exactOptionalPropertyTypes: true, target: 'es2022', noEmit: true, types: ['node'], typeRoots: [join(repo, 'node_modules/@types')], ...options }, files: ['types.mts'] }));
      return run(process.execPath, [tsc, '-p', file], consumer);
    }));
    for (const r of results) expect(r.stdout + r.stderr).toBe('');
    for (const r of results) expect(r.code).toBe(0);
  }, SLOW);

  it('`attw` (@arethetypeswrong/cli) finds nothing wrong with the tarball\'s types but the CommonJS note: every entry point resolves under node10, node16 and bundler', async () => {
    // CJSResolvesToESM is TypeScript's node16 model of `require`, from before require(esm): Node
    // 20.19+ (the CommonJS test below) and TypeScript's `module: nodenext` load the ESM entries from
    // CommonJS. Any other problem kind fails here.
    const r = await run(process.execPath, [join(repo, 'node_modules/@arethetypeswrong/cli/dist/index.js'), join(work, packed.filename), '--format', 'json'], work);
    const report = JSON.parse(r.stdout) as { problems?: Record<string, { kind: string; entrypoint: string; resolutionKind: string }[]> };
    const problems = Object.values(report.problems ?? {}).flat();
    expect(problems.filter((p) => p.kind !== 'CJSResolvesToESM')).toEqual([]);
    expect(problems.every((p) => p.resolutionKind === 'node16-cjs')).toBe(true);
  }, SLOW);

  it('a CommonJS program `require`s both entry points on Node 20.19+ (require(esm), no top-level await in their import graph) and a CommonJS TypeScript file compiles under nodenext', async () => {
    const r = await run(process.execPath, ['require.cjs'], consumer);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ runConformance: 'function', startServer: 'function', describeScimConformance: 'function', pass: 2, fail: 0 });
    const tsc = join(repo, 'node_modules/typescript/bin/tsc');
    const file = join(consumer, 'tsconfig.cts.json');
    writeFileSync(file, JSON.stringify({ compilerOptions: { strict: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(repo, 'node_modules/@types')] }, files: ['types.cts'] }));
    const types = await run(process.execPath, [tsc, '-p', file], consumer);
    expect(types.stdout + types.stderr).toBe('');
    expect(types.code).toBe(0);
  }, SLOW);

  it('turns a run into vitest tests with `scimproof/vitest`, a failure explained as in the HTML card', async () => {
    const out = join(consumer, 'vitest-results.json');
    const r = await run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=json', `--outputFile=${out}`], consumer, plainEnv({ GOOD_URL: server.url, GOOD_TOKEN: server.token, FAULTY_URL: faulty.url, FAULTY_TOKEN: faulty.token }));
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { testResults: { assertionResults: { ancestorTitles: string[]; title: string; status: string; failureMessages: string[] }[] }[] };
    const tests = report.testResults.flatMap((f) => f.assertionResults);
    const good = tests.filter((t) => t.ancestorTitles[0] === 'reference server');
    const bad = tests.filter((t) => t.ancestorTitles[0] === 'faulty server');
    expect(good.length).toBeGreaterThan(1);
    expect(good.every((t) => t.status === 'passed')).toBe(true);
    expect(bad.map((t) => t.title)).toEqual(good.map((t) => t.title));
    const failed = bad.filter((t) => t.status === 'failed');
    expect(failed.map((t) => t.title.split(':')[0])).toEqual(['users.create.status']);
    const message = failed[0]!.failureMessages.join('\n');
    expect(message).toContain('Refs: RFC7644-3.3');
    expect(message).toContain('Reproduce with:');
    expect(message).toContain('curl ');
    expect(message).not.toContain(faulty.token);
    // An unset URL variable ran the embedded server and passed; an unknown profile threw out of the
    // file with a stack trace, taking the blocks above with it.
    const refused = (block: string): { title: string; status: string; failureMessages: string[] }[] => tests.filter((t) => t.ancestorTitles[0] === block);
    expect(refused('unset variable').map((t) => [t.title, t.status, t.failureMessages.join('').split('\n')[0]])).toEqual([['the run could be made', 'failed', expect.stringMatching(/^ScimRunError: the target URL is empty/)]]);
    expect(refused('unknown profile').map((t) => [t.title, t.status, t.failureMessages.join('').split('\n')[0]])).toEqual([['the run could be made', 'failed', expect.stringMatching(/^ScimRunError: no profile "no-such-profile"/)]]);
  }, SLOW);
});
