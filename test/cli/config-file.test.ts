// A config file's values of the wrong JSON type: one line naming the file and the key, never an
// internal error deep in the run ('text.indexOf is not a function') or a value silently ignored.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseJsonc } from 'jsonc-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.ts';
import { readConfig } from '../../src/cli/options.ts';
import { startFaultyServer } from '../support/faulty-server.ts';
import { runMain } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'scimproof-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function read(content: object): unknown {
  const file = join(dir, 'scimproof.json');
  writeFileSync(file, JSON.stringify(content));
  try {
    return readConfig(file);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message.replace(file, 'FILE');
  }
}

describe('config file value types', () => {
  it('names the key and what it must be', () => {
    expect(read({ url: 5 })).toBe('config file FILE: "url" must be a string, got a number');
    expect(read({ headers: 'X-Tenant: acme' })).toBe('config file FILE: "headers" must be an object of header names to string values, e.g. {"X-Tenant": "acme"}, got a string');
    expect(read({ headers: { 'X-Tenant': 1 } })).toMatch(/"headers" must be .* got a non-string value in it$/);
    expect(read({ only: [1, 2] })).toBe('config file FILE: "only" must be an array of strings, e.g. ["filter.*"], got an array holding something else');
    expect(read({ dialects: null })).toMatch(/"dialects" must be an array of strings, e\.g\. \["entra"\], got null$/);
    expect(read({ timeout: 'soon' })).toBe('config file FILE: "timeout" must be a whole number of milliseconds ≥ 0, got "soon"');
    expect(read({ timeout: -5 })).toMatch(/"timeout" must be a whole number of milliseconds ≥ 0, got -5$/);
    expect(read({ maxTime: {} })).toMatch(/"maxTime" must be a duration such as "15m" or a number of seconds, got an object$/);
  });

  it('accepts every documented shape', () => {
    const good = { url: 'https://app.example.com/scim/v2', token: 't', headers: { 'X-Tenant': 'acme' }, suites: ['core'], only: ['filter.*'], skip: [], timeout: 5000, maxTime: '15m', profile: 'interop', dialects: ['entra'], require: ['name.givenName'], out: 'reports/x' };
    expect(read(good)).toEqual({ ...good, out: expect.any(String) });
    expect(read({ timeout: '5000', maxTime: 90 })).toEqual({ timeout: '5000', maxTime: 90 });
  });
});

describe('--config in --help', () => {
  it('names every key a config file may hold (the help listed 11 of 20: basic, maxTime, require, dialects … were missing)', async () => {
    const { Command } = await import('commander');
    const { COMMANDS } = await import('../../src/cli/commands.ts');
    const program = new Command('scimproof');
    await (await COMMANDS.find((c) => c.name === 'run')!.load())(program);
    const help = program.commands.find((c) => c.name() === 'run')!.options.find((o) => o.long === '--config')!.description;
    const known = String(read({ zzz: 1 })).replace(/^.*known keys: /, '').split(', ');
    expect(known.length).toBeGreaterThan(15);
    expect(known.filter((key) => !new RegExp(`\\b${key}\\b`).test(help))).toEqual([]);
  });
});

function readText(text: string, name = 'scimproof.json'): unknown {
  const file = join(dir, name);
  writeFileSync(file, text);
  try {
    return readConfig(file);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message.replace(file, 'FILE');
  }
}

describe('config file syntax', () => {
  // JSON.parse refused a commented-out line with "Unexpected token '/', ..." over several lines.
  it('takes JSON with comments and trailing commas, as tsconfig.json does, and a byte-order mark', () => {
    const text = '\uFEFF{\n  // staging tenant\n  "url": "https://app.example.com/scim/v2", /* eu */\n  // "token": "old",\n  "suites": ["core", "entra",],\n}\n';
    expect(readText(text)).toEqual({ url: 'https://app.example.com/scim/v2', suites: ['core', 'entra'] });
  });

  it('names the line and column of a syntax error, in one line', () => {
    expect(readText('{\n  "url": "https://app.example.com/scim/v2"\n  "token": "t"\n}\n')).toBe('config file FILE is not valid JSON: comma expected at line 3, column 3');
    expect(readText('{\n  "url": \'x\'\n}')).toBe('config file FILE is not valid JSON: invalid symbol at line 2, column 10');
    expect(readText('')).toBe('config file FILE is not valid JSON: value expected at line 1, column 1');
    expect(readText('["core"]')).toBe('config file FILE is not valid JSON: expected a JSON object ({ "url": … }), got an array');
  });
});

describe('relative paths in a config file', () => {
  it('are relative to the config file (baseline, out, suite files), a bare suite name stays a built-in suite', () => {
    const ci = join(dir, 'ci');
    mkdirSync(ci, { recursive: true });
    const config = readText(JSON.stringify({ baseline: 'scim-baseline.json', out: '../reports/scim', suites: ['core', './my-suites', 'extra.json', 'more/suite.json', '/abs/suite.json'] }), 'ci/scim.json') as { baseline: string; out: string; suites: string[] };
    expect(resolve(config.baseline)).toBe(join(ci, 'scim-baseline.json'));
    expect(resolve(config.out)).toBe(join(dir, 'reports/scim'));
    expect(config.suites.slice(0, 1)).toEqual(['core']);
    expect(config.suites.slice(1).map((s) => resolve(s))).toEqual([join(ci, 'my-suites'), join(ci, 'extra.json'), join(ci, 'more/suite.json'), '/abs/suite.json']);
  });

  // `--config ci/scim.json` with "baseline": "scim-baseline.json" read ./scim-baseline.json (exit 2,
  // cannot read baseline), and "out" put the report beside wherever scimproof was started.
  it('a run started elsewhere reads the baseline beside its config and writes the report where the config says', async () => {
    const server = await startFaultyServer('create-returns-200');
    try {
      const project = join(dir, 'project');
      mkdirSync(join(project, 'ci'), { recursive: true });
      writeFileSync(join(project, 'ci/scim-baseline.json'), JSON.stringify({ expectedFailures: { 'users.create.status': 'ticket SCIM-12: 200 on create' } }));
      writeFileSync(join(project, 'ci/scim.json'), `{\n  // the team's settings\n  "suites": ["core"],\n  "only": ["users.create.status"],\n  "baseline": "scim-baseline.json",\n  "out": "reports/scim",\n}\n`);
      const r = await runMain(['run', '--config', join(project, 'ci/scim.json'), '--url', server.url, '--token', server.token, '--seed', '1']);
      expect(r.code, r.printed).toBe(0);
      const record = JSON.parse(readFileSync(join(project, 'ci/reports/scim/run.json'), 'utf8')) as { results: { checkId: string; status: string; message?: string }[] };
      expect(record.results.find((x) => x.checkId === 'users.create.status')).toMatchObject({ status: 'info', message: expect.stringContaining('ticket SCIM-12') });
    } finally {
      await server.close();
    }
  });
});

describe('config.schema.json (shipped as scimproof/config.schema.json)', () => {
  const schema = JSON.parse(readFileSync(new URL('../../src/cli/config.schema.json', import.meta.url), 'utf8')) as { properties: Record<string, unknown>; additionalProperties: boolean };
  const validate = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(schema);

  it('describes exactly the keys the loader takes, and "$schema", which the loader now accepts (it was an unknown key)', () => {
    const known = String(read({ zzz: 1 })).replace(/^.*known keys: /, '').split(', ');
    expect(Object.keys(schema.properties).sort()).toEqual(['$schema', ...known].sort());
    expect(schema.additionalProperties).toBe(false);
    expect(readText('{ "$schema": "../node_modules/scimproof/dist/cli/config.schema.json", "url": "https://app.example.com/scim/v2" }')).toEqual({ url: 'https://app.example.com/scim/v2' });
    expect(readText('{ "$schema": 1 }')).toBe('config file FILE: "$schema" must be a string (the schema\'s path or URL), got a number');
  });

  it('accepts the documented example (docs/run.md) and refuses what the loader refuses', () => {
    const example = /#### A config file\n\n```jsonc\n([\s\S]*?)```/.exec(readFileSync(new URL('../../docs/run.md', import.meta.url), 'utf8'))![1]!;
    const config = parseJsonc(example, [], { allowTrailingComma: true }) as Record<string, unknown>;
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    expect(readText(example)).toMatchObject({ url: config.url, suites: config.suites });
    for (const bad of [{ tokne: 'x' }, { timeout: 'soon' }, { suites: 'core' }, { headers: { 'X-Tenant': 1 } }, { oauthClientAuth: 'jwt' }]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});
