// A config file's values of the wrong JSON type: one line naming the file and the key, never an
// internal error deep in the run ('text.indexOf is not a function') or a value silently ignored.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.ts';
import { readConfig } from '../../src/cli/options.ts';

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
    expect(read(good)).toEqual(good);
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
